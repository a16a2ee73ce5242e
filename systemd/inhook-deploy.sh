#!/bin/sh
# inhook-deploy.sh: an example of the privileged half of a deploy, run as
# root by inhook-deploy.service (install it as /usr/local/lib/inhook/deploy).
# For each request in /var/lib/inhook/deploy/, in name order (name them by
# time, as the example in inhook-deploy.path does): the request is
# removed, its first line must be a unit name listed in
# /etc/inhook/deploy.allow (one a line), and that unit is restarted.
# Replace "systemctl restart" with your own steps (docker pull, ...): they
# run as root, so never act on the request's text beyond the allow-list.
# Exit status 1 when a request was refused or its restart failed.
dir=${INHOOK_DEPLOY_DIR:-/var/lib/inhook/deploy}
allow=${INHOOK_DEPLOY_ALLOW:-/etc/inhook/deploy.allow}
rc=0
for p in "$dir"/*; do
	[ -e "$p" ] || [ -L "$p" ] || continue
	# the name as logged: the hook chose it
	f=$(printf '%s' "${p##*/}" | tr -c 'A-Za-z0-9._-' '?')
	# not a regular file (a symlink to a root-only file, a FIFO): refused
	# unread; its content is never logged either
	if [ -L "$p" ] || [ ! -f "$p" ]; then
		echo "deploy: request $f refused: not a regular file"
		rm -rf -- "$p"
		rc=1
		continue
	fi
	unit=$(head -n 1 -- "$p" | cut -c 1-256)
	rm -f -- "$p"
	case $unit in
	'' | -* | *[!A-Za-z0-9@._:-]*) ok=0 ;;
	*) if grep -qxF -- "$unit" "$allow" 2>/dev/null; then ok=1; else ok=0; fi ;;
	esac
	if [ "$ok" = 0 ]; then
		echo "deploy: request $f refused: not a unit listed in $allow"
		rc=1
		continue
	fi
	echo "deploy: request $f: restarting $unit"
	systemctl restart -- "$unit" || rc=1
done
exit $rc
