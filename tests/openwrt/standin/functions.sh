# shellcheck shell=dash # for local, which busybox ash has too
# Stand-in for the part of OpenWrt's /lib/functions.sh (UCI's shell side)
# that openwrt/inhook/files/inhook.init uses, written for the tests, not
# copied. As on OpenWrt, config_load evaluates the configuration in the
# syntax "uci export" prints (package, config, option, list, values in
# single quotes), and each value is stored in CONFIG_<section>_<option>
# without being evaluated; a list keeps <option>_ITEMn and _LENGTH too.
# The configuration comes from $UCI_CONFIG_DIR/<name>.

package() { :; }

# config_set SECTION OPTION VALUE
config_set() {
	case "$1$2" in *[!A-Za-z0-9_]*) return 0 ;; esac
	eval "CONFIG_${1}_${2}=\$3"
}

config() {
	CONFIG_NUM_SECTIONS=$((CONFIG_NUM_SECTIONS + 1))
	CONFIG_SECTION=${2:-cfg$CONFIG_NUM_SECTIONS}
	CONFIG_SECTIONS="${CONFIG_SECTIONS:+$CONFIG_SECTIONS }$CONFIG_SECTION"
	config_set "$CONFIG_SECTION" TYPE "$1"
}

option() {
	_sn=$1
	shift
	config_set "$CONFIG_SECTION" "$_sn" "$*"
}

list() {
	_sn=$1
	shift
	config_get _sl "$CONFIG_SECTION" "${_sn}_LENGTH" 0
	_sl=$((_sl + 1))
	config_set "$CONFIG_SECTION" "${_sn}_ITEM$_sl" "$*"
	config_set "$CONFIG_SECTION" "${_sn}_LENGTH" "$_sl"
	config_get _sv "$CONFIG_SECTION" "$_sn"
	config_set "$CONFIG_SECTION" "$_sn" "${_sv:+$_sv }$*"
}

# config_get VAR SECTION OPTION [DEFAULT], or config_get SECTION OPTION
# (prints the value)
config_get() {
	case "$2${3:-$1}" in *[!A-Za-z0-9_]*) return 0 ;; esac
	if [ -z "$3" ]; then
		eval "printf '%s\n' \"\${CONFIG_${1}_${2}:-}\""
	else
		eval "$1=\${CONFIG_${2}_${3}:-\$4}"
	fi
}

# config_get_bool VAR SECTION OPTION [DEFAULT]: 1 or 0, else DEFAULT
config_get_bool() {
	config_get _sb "$2" "$3" "$4"
	case "$_sb" in
	1 | on | true | yes | enabled) _sb=1 ;;
	0 | off | false | no | disabled) _sb=0 ;;
	*) _sb=$4 ;;
	esac
	eval "$1=\$_sb"
}

# config_foreach FUNCTION [TYPE [ARG...]]: FUNCTION SECTION ARG... for each
# section (of TYPE), in the file's order
config_foreach() {
	local f="$1" type="$2" section t
	shift
	[ "$#" -ge 1 ] && shift
	for section in $CONFIG_SECTIONS; do
		config_get t "$section" TYPE
		[ -n "$type" ] && [ "$t" != "$type" ] && continue
		"$f" "$section" "$@"
	done
}

# config_list_foreach SECTION OPTION FUNCTION [ARG...]: FUNCTION ITEM ARG...
# for each item of a list
config_list_foreach() {
	[ "$#" -ge 3 ] || return 0
	local section="$1" opt="$2" f="$3" len val i=1
	shift 3
	config_get len "$section" "${opt}_LENGTH"
	[ -n "$len" ] || return 0
	while [ "$i" -le "$len" ]; do
		config_get val "$section" "${opt}_ITEM$i"
		"$f" "$val" "$@"
		i=$((i + 1))
	done
}

# config_load NAME: once per process here (each test is a new shell)
config_load() {
	CONFIG_SECTIONS="" CONFIG_NUM_SECTIONS=0 CONFIG_SECTION=""
	[ -f "$UCI_CONFIG_DIR/$1" ] || return 1
	# shellcheck disable=SC1090 # the configuration, in uci export's syntax
	. "$UCI_CONFIG_DIR/$1"
}
