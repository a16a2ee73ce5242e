# shellcheck shell=sh
# Stand-in for the procd_* shell functions of OpenWrt's
# /lib/functions/procd.sh that a service's start_service uses, written for
# the tests. Instead of a JSON message to procd over ubus it prints what
# procd would be told, one line per item, each argument of the command in
# <>, so that word boundaries show:
#   service NAME
#   instance NAME
#     command </usr/sbin/inhook>
#     respawn
#     stderr <1>
#   end
#   trigger config.change inhook
# A mistake procd.sh would turn into a wrong message is an "ERROR" line.

_pd_open=
_pd_set=

procd_open_service() { echo "service $1"; }
procd_close_service() { :; }

procd_open_instance() {
	[ -z "$_pd_open" ] || echo "ERROR: instance $1 opened inside $_pd_open"
	_pd_open=${1:-instance}
	_pd_set=
	echo "instance $_pd_open"
}

procd_close_instance() {
	[ -n "$_pd_open" ] || echo "ERROR: no instance to close"
	_pd_open=
	echo "end"
}

_pd_words() {
	_pd_t=$1
	shift
	if [ "$#" -eq 0 ]; then
		echo "  $_pd_t"
		return
	fi
	for _pd_w; do
		printf '  %s <%s>\n' "$_pd_t" "$_pd_w"
	done
}

procd_set_param() {
	[ -n "$_pd_open" ] || echo "ERROR: procd_set_param $1 outside an instance"
	case " $_pd_set " in
	*" $1 "*) echo "ERROR: $1 set twice" ;;
	esac
	_pd_set="$_pd_set $1"
	case "$1" in
	command | respawn | env | data | file | netdev | limits | stdout | stderr | \
	term_timeout | user | group | pidfile | nice | facility) ;;
	*) echo "ERROR: procd has no parameter $1" ;;
	esac
	_pd_words "$@"
}

procd_append_param() {
	[ -n "$_pd_open" ] || echo "ERROR: procd_append_param $1 outside an instance"
	case " $_pd_set " in
	*" $1 "*) ;;
	*) _pd_set="$_pd_set $1" ;;
	esac
	_pd_words "$@"
}

procd_add_reload_trigger() {
	for _pd_w; do
		echo "trigger config.change $_pd_w"
	done
}
