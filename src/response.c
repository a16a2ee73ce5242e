/* response.c: builds a response in a caller's fixed buffer. Pure: the
 * time comes in as an argument. Formatted by hand (no stdio, no time zone
 * code): one template whose marks are filled with the status, the date and
 * the numbers. */
#include <string.h>

#include "response.h"
#include "status.h"
#include "text.h"

/* Two decimal digits of v (below 100) at p. */
static void
two(char *p, unsigned long v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* The IMF-fixdate of RFC 9110 section 5.6.7, "Sun, 06 Nov 1994 08:49:37
 * GMT", for now clamped to the years 1970 to 9999: always 29 bytes. */
static void
put_date(struct text *o, time_t now)
{
	static const char days[] = "ThuFriSatSunMonTueWed";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	unsigned long t = now < 0 ? 0 : now > 253402300799LL ? 253402300799UL :
	    (unsigned long)now;
	unsigned long z = t / 86400 + 719468, secs = t % 86400, era, doe, yoe;
	unsigned long doy, mp, year, month;
	char d[29];

	/* civil from days: March-based years of 400-year eras */
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	month = mp < 10 ? mp + 3 : mp - 9;
	year = yoe + era * 400 + (month <= 2);

	memcpy(d, days + 3 * (t / 86400 % 7), 3);      /* 1970-01-01: Thursday */
	memcpy(d + 3, ", ", 2);
	two(d + 5, doy - (153 * mp + 2) / 5 + 1);
	d[7] = ' ';
	memcpy(d + 8, months + 3 * (month - 1), 3);
	d[11] = ' ';
	two(d + 12, year / 100);
	two(d + 14, year % 100);
	d[16] = ' ';
	two(d + 17, secs / 3600);
	d[19] = ':';
	two(d + 20, secs / 60 % 60);
	d[22] = ':';
	two(d + 23, secs % 60);
	memcpy(d + 25, " GMT", 4);
	text_put(o, d, sizeof d);
}

size_t
response_head(char *out, int status, const char *allow, int retry_after,
              size_t body_len, time_t now)
{
	/* bytes below 7 stand for: 1 the status, 2 its reason, 3 the date,
	 * 4 the length, 5 the Allow field if any, 6 Retry-After if any */
	static const char head[] = "HTTP/1.1 \1 \2\r\nDate: \3\r\n"
	    "Content-Type: text/plain\r\nContent-Length: \4\r\n"
	    "Connection: close\r\n\5\6\r\n";
	struct text o = { out, 0, RESPONSE_MAX - 1 };
	const char *t;
	size_t n;

	for (t = head; *t; t += n) {
		for (n = 0; (unsigned char)t[n] > 6; n++)
			;
		if (n) {
			text_put(&o, t, n);
			continue;
		}
		n = 1;
		switch (*t) {
		case 1:
			text_num(&o, status);
			break;
		case 2:
			text_cat(&o, status_reason(status));
			break;
		case 3:
			put_date(&o, now);
			break;
		case 4:
			text_num(&o, (long long)body_len);
			break;
		case 5:
			if (allow) {
				text_cat(&o, "Allow: ");
				text_cat(&o, allow);
				text_cat(&o, "\r\n");
			}
			break;
		case 6:
			if (retry_after > 0) {
				text_cat(&o, "Retry-After: ");
				text_num(&o, retry_after);
				text_cat(&o, "\r\n");
			}
			break;
		}
	}
	out[o.n] = '\0';
	return o.n;
}

size_t
response_format(char *out, int status, const char *allow, const char *text,
                int head_only, time_t now)
{
	size_t n, blen;

	if (text == NULL)
		text = status_reason(status);
	blen = strlen(text) + 1;
	n = response_head(out, status, allow, 0, blen, now);
	if (head_only || n + blen >= RESPONSE_MAX)
		return n;
	memcpy(out + n, text, blen - 1);
	out[n + blen - 1] = '\n';
	return n + blen;
}
