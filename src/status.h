/* status.h: HTTP status codes as the error currency of inhook.
 * Every parser and check returns 0 (go on) or one of these; the value is the
 * status the peer is answered with. */
#ifndef INHOOK_STATUS_H
#define INHOOK_STATUS_H

enum status {
	S_OK = 200,
	S_CONTINUE = 100,
	S_ACCEPTED = 202,
	S_BAD_REQUEST = 400,
	S_FORBIDDEN = 403,
	S_NOT_FOUND = 404,
	S_METHOD_NOT_ALLOWED = 405,
	S_REQUEST_TIMEOUT = 408,
	S_CONFLICT = 409,
	S_LENGTH_REQUIRED = 411,
	S_PAYLOAD_TOO_LARGE = 413,
	S_URI_TOO_LONG = 414,
	S_EXPECTATION_FAILED = 417,
	S_UNPROCESSABLE = 422,
	S_HEADERS_TOO_LARGE = 431,
	S_INTERNAL_ERROR = 500,
	S_NOT_IMPLEMENTED = 501,
	S_SERVICE_UNAVAILABLE = 503,
	S_GATEWAY_TIMEOUT = 504,
	S_VERSION_NOT_SUPPORTED = 505
};

/* The body of a 500, one for each class of cause, so that the sender sees
 * which side to fix without reading the log: never a path, a secret, or
 * anything from the request. The log line says the rest. */
#define TEXT_500_SECRET   "server misconfigured: secret file unusable, see the log"
#define TEXT_500_USAGE    "server misconfigured: bad command line, see the log"
#define TEXT_500_ENV      "server misconfigured: --env values too large, see the log"
#define TEXT_500_START    "hook could not be started, see the log"
#define TEXT_500_HOOK     "hook failed, see the log"
#define TEXT_500_LOST     "hook's outcome lost, see the log"
#define TEXT_500_RESOURCE "server out of resources, see the log"
#define TEXT_500_BUG      "internal error in inhook, see the log"

/* The reason phrase for a status, or "Unknown" for one not listed above. */
const char *status_reason(int status);

#endif
