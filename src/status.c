/* status.c: reason phrases for the statuses in status.h. */
#include "status.h"

const char *
status_reason(int status)
{
	switch (status) {
	case S_CONTINUE: return "Continue";
	case S_OK: return "OK";
	case S_ACCEPTED: return "Accepted";
	case S_BAD_REQUEST: return "Bad Request";
	case S_FORBIDDEN: return "Forbidden";
	case S_NOT_FOUND: return "Not Found";
	case S_METHOD_NOT_ALLOWED: return "Method Not Allowed";
	case S_REQUEST_TIMEOUT: return "Request Timeout";
	case S_CONFLICT: return "Conflict";
	case S_LENGTH_REQUIRED: return "Length Required";
	case S_PAYLOAD_TOO_LARGE: return "Content Too Large";
	case S_URI_TOO_LONG: return "URI Too Long";
	case S_EXPECTATION_FAILED: return "Expectation Failed";
	case S_UNPROCESSABLE: return "Unprocessable Content";
	case S_HEADERS_TOO_LARGE: return "Request Header Fields Too Large";
	case S_INTERNAL_ERROR: return "Internal Server Error";
	case S_NOT_IMPLEMENTED: return "Not Implemented";
	case S_SERVICE_UNAVAILABLE: return "Service Unavailable";
	case S_GATEWAY_TIMEOUT: return "Gateway Timeout";
	case S_VERSION_NOT_SUPPORTED: return "HTTP Version Not Supported";
	}
	return "Unknown";
}
