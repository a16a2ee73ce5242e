/* signcmd.h: "inhook sign", what a sender would send, for testing.
 *   inhook sign [--request] [--scheme NAME] [--path PATH]
 *               [--allow-shared-secret] --secret-file FILE [BODYFILE]
 * BODYFILE is the body (standard input when absent or "-"). The secret
 * file is loaded by the same code and with the same rules as serving
 * (mode 600 unless --allow-shared-secret), so signing fails where serving
 * would answer 500.
 *   without --request  the signature header's value for the body:
 *                      jobserv (default) "sha256:<hex>", github
 *                      "sha256=<hex>", gitea "<hex>"; gitlab and standard
 *                      sign more than the body and need --request
 *   --request          a whole HTTP/1.1 request, CRLF line ends: "POST
 *                      PATH" (default /webhook), Host: localhost,
 *                      Content-Type: application/json, the exact
 *                      Content-Length, the scheme's headers (standard: a
 *                      webhook-id made from the body's hash and the
 *                      current time as webhook-timestamp), then the body:
 *                      what inhook in pipe mode with the same --scheme,
 *                      --path and secret answers 200.
 * Exit status: 0 printed, 100 usage error or a secret serving refuses too,
 * 111 the body could not be read or the output written. */
#ifndef INHOOK_SIGNCMD_H
#define INHOOK_SIGNCMD_H

/* argv[1] is "sign". Returns the exit status. */
int sign_cmd(int argc, char **argv);

#endif
