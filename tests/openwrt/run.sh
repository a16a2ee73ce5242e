#!/bin/sh
# tests/openwrt/run.sh: the OpenWrt package in openwrt/ (make check).
#
# 1. openwrt/inhook/files/inhook.init, the procd init script, run by
#    stand-ins for OpenWrt's rc.common, UCI's shell functions and procd's
#    (tests/openwrt/standin/, written for this test: no OpenWrt here) on
#    several UCI configurations, under sh and, when there, busybox sh
#    (OpenWrt's /bin/sh is busybox ash). Each must give exactly the
#    instances and command lines (one argument a line) written below; a
#    value with spaces, quotes, $(...), `...` or a glob stays one argument
#    and runs nothing.
# 2. The recipes (openwrt/inhook/Makefile, openwrt/bearssl/Makefile) with
#    a stand-in SDK (tests/openwrt/sdk/: rules.mk and include/package.mk
#    with the variables and macros they use, the host's cc as the target
#    compiler): their fields, the jsmn download's HASH against
#    libjsmn-dev's jsmn.h (the same file as jsmn 1.1.0's), the BearSSL
#    recipe building libbearssl.a from Debian's BearSSL source when make
#    check-cross has fetched it (cached in tests/build/openwrt), the inhook
#    recipe's Build/Prepare, Build/Compile (warning-free, BearSSL static)
#    and Package/inhook/install.
# 3. The command line the init script makes from a configuration with most
#    options, run: the project's inhook (not the package's) started with
#    exactly those arguments (its path for /usr/sbin/inhook) must listen,
#    answer curl's signed JobServ delivery with 200, run the hook with the
#    payload, the configured --env and argument, and exit 0 on SIGTERM.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
O="$TOP/openwrt"
S="$TOP/tests/openwrt/standin"
INIT="$O/inhook/files/inhook.init"
CONF="$O/inhook/files/inhook.config"

SHELLS="sh"
if command -v busybox >/dev/null 2>&1 && busybox sh -c 'exit 0' 2>/dev/null; then
	SHELLS="sh busybox"
else
	echo "ok - openwrt: init script under busybox sh # skip no busybox"
fi

# The init script as OpenWrt installs it (the service is named after it);
# a logger that records; a working directory with files a glob would match.
mkdir -p "$T/init.d" "$T/bin" "$T/cwd" "$T/uci"
cp "$INIT" "$T/init.d/inhook"
cat > "$T/bin/logger" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >> "$T/logger.log"
EOF
chmod 755 "$T/bin/logger"
: > "$T/cwd/a1"
: > "$T/cwd/a2"

# run_init SHELL [START-ARG]: the init script's "start" with the UCI
# configuration $T/conf, in a clean environment
run_init() {
	_sh=$1
	shift
	[ "$_sh" = busybox ] && _sh="busybox sh"
	cp "$T/conf" "$T/uci/inhook"
	# shellcheck disable=SC2086 # "busybox sh" is two words
	(cd "$T/cwd" && env -i PATH="$T/bin:/usr/bin:/bin" STANDIN="$S" \
	    UCI_CONFIG_DIR="$T/uci" $_sh "$S/rc.common" "$T/init.d/inhook" start "$@")
}

# scenario NAME [START-ARG] < WANT: under every shell, the output of
# run_init must be WANT, its stderr $want_err, what it logged $want_log,
# and the working directory must be unchanged (nothing ran)
want_err="" want_log=""
scenario() {
	_name=$1
	shift
	cat > "$T/want"
	for _s in $SHELLS; do
		rm -f "$T/logger.log"
		: > "$T/logger.log"
		run_init "$_s" "$@" > "$T/got" 2> "$T/err"
		_cwd=$(ls -A "$T/cwd" | tr '\n' ' ')
		if cmp -s "$T/got" "$T/want" && [ "$(cat "$T/err")" = "$want_err" ] &&
		    [ "$(cat "$T/logger.log")" = "$want_log" ] && [ "$_cwd" = "a1 a2 " ]; then
			ok "openwrt: $_name ($_s)"
		else
			nok "openwrt: $_name ($_s)"
			diff "$T/want" "$T/got" | sed 's/^/#   /'
			[ "$(cat "$T/err")" = "$want_err" ] || {
				echo "#   stderr: $(cat "$T/err")"; echo "#   want:   $want_err"; }
			[ "$(cat "$T/logger.log")" = "$want_log" ] || {
				echo "#   logged: $(cat "$T/logger.log")"; echo "#   want:   $want_log"; }
			[ "$_cwd" = "a1 a2 " ] && echo "#   working directory now: $_cwd"
		fi
	done
	want_err="" want_log=""
}

# the procd parameters every instance gets, for stop_timeout 8
TAIL='  respawn
  stdout <1>
  stderr <1>
  term_timeout <10>
end'

init_tests() {
	check "openwrt: init script starts with #!/bin/sh /etc/rc.common" \
	    [ "$(head -n 1 "$INIT")" = "#!/bin/sh /etc/rc.common" ]
	check "openwrt: init script sets USE_PROCD=1" \
	    grep -qx 'USE_PROCD=1' "$INIT"
	for _s in $SHELLS; do
		[ "$_s" = busybox ] && _c="busybox sh" || _c="sh"
		# shellcheck disable=SC2086
		check "openwrt: init script parses ($_s -n)" $_c -n "$INIT"
	done
	check "openwrt: START=95, STOP=10" \
	    [ "$(grep -E '^(START|STOP)=' "$INIT" | tr '\n' ' ')" = "START=95 STOP=10 " ]

	# The shipped configuration: disabled until the secret and hook exist
	cp "$CONF" "$T/conf"
	scenario "shipped config: disabled, nothing started" <<'EOF'
service inhook
trigger config.change inhook
EOF
	sed "s/option enabled '0'/option enabled '1'/" "$CONF" > "$T/conf"
	scenario "shipped config, enabled: its defaults" <<EOF
service inhook
instance main
  command </usr/sbin/inhook>
  command <--listen>
  command <:9000>
  command <--secret-file>
  command </etc/inhook/secret>
  command <--scheme>
  command <jobserv>
  command <--path>
  command </webhook>
  command <--user>
  command <inhook>
  command <--syslog>
  command <-->
  command </etc/inhook/hook>
$TAIL
trigger config.change inhook
EOF

	# The least a section needs: the defaults fill in the rest (no
	# 'enabled': enabled; options given as 'option', not 'list')
	cat > "$T/conf" <<'EOF'
package inhook

config inhook 'hooks'
	option secret_file '/etc/inhook/secret'
	option hook '/etc/inhook/hook'
EOF
	scenario "defaults: every address, port 9000, syslog" <<EOF
service inhook
instance hooks
  command </usr/sbin/inhook>
  command <--listen>
  command <:9000>
  command <--secret-file>
  command </etc/inhook/secret>
  command <--syslog>
  command <-->
  command </etc/inhook/hook>
$TAIL
trigger config.change inhook
EOF

	cat > "$T/conf" <<'EOF'
package inhook

config inhook 'all'
	option enabled 'yes'
	option port '8443'
	list address '192.168.1.1'
	list address 'fd00::1'
	list address '[::1]'
	list secret_file '/etc/inhook/old'
	list secret_file '/etc/inhook/new'
	option hook '/usr/lib/inhook/hook'
	list hook_arg 'deploy'
	list hook_arg '--now'
	option path '/ci'
	list scheme 'github'
	option prefix 'CI_'
	option max_body '65536'
	option timeout '5'
	option hook_timeout '120'
	option tolerance '60'
	list env 'PATH=/usr/bin:/bin'
	list env 'SITE'
	option async '1'
	option respond_output '0'
	option max_output '4096'
	option spool '/srv/inhook/spool'
	option dedupe '/srv/inhook/dedupe'
	option dedupe_days '3'
	option lock '/var/lock/inhook'
	option lock_wait '10'
	list when 'STATUS=PASSED'
	list when 'TRIGGER_NAME~^main'
	option max_conns '8'
	option max_per_source '2'
	option stop_timeout '20'
	option user 'inhook:inhook'
	option allow_shared_secret 'true'
	option syslog 'off'
	list extra '--idle-exit'
	list extra '600'
EOF
	scenario "all options, in inhook's order" <<'EOF'
service inhook
instance all
  command </usr/sbin/inhook>
  command <--listen>
  command <192.168.1.1:8443>
  command <--listen>
  command <[fd00::1]:8443>
  command <--listen>
  command <[::1]:8443>
  command <--secret-file>
  command </etc/inhook/old>
  command <--secret-file>
  command </etc/inhook/new>
  command <--scheme>
  command <github>
  command <--path>
  command </ci>
  command <--prefix>
  command <CI_>
  command <--max-body>
  command <65536>
  command <--timeout>
  command <5>
  command <--hook-timeout>
  command <120>
  command <--tolerance>
  command <60>
  command <--env>
  command <PATH=/usr/bin:/bin>
  command <--env>
  command <SITE>
  command <--async>
  command <--max-output>
  command <4096>
  command <--spool>
  command </srv/inhook/spool>
  command <--dedupe>
  command </srv/inhook/dedupe>
  command <--dedupe-days>
  command <3>
  command <--lock>
  command </var/lock/inhook>
  command <--lock-wait>
  command <10>
  command <--when>
  command <STATUS=PASSED>
  command <--when>
  command <TRIGGER_NAME~^main>
  command <--max-conns>
  command <8>
  command <--max-per-source>
  command <2>
  command <--stop-timeout>
  command <20>
  command <--user>
  command <inhook:inhook>
  command <--allow-shared-secret>
  command <--idle-exit>
  command <600>
  command <-->
  command </usr/lib/inhook/hook>
  command <deploy>
  command <--now>
  respawn
  stdout <1>
  stderr <1>
  term_timeout <22>
end
trigger config.change inhook
EOF

	cat > "$T/conf" <<'EOF'
package inhook

config inhook 'ci'
	list secret_file '/etc/inhook/secret'
	option hook '/etc/inhook/hook'
	list scheme 'github'
	list scheme 'gitea'
	list scheme 'standard'
	option respond_output '1'
	option syslog '0'
EOF
	scenario "a list of schemes, in order" <<EOF
service inhook
instance ci
  command </usr/sbin/inhook>
  command <--listen>
  command <:9000>
  command <--secret-file>
  command </etc/inhook/secret>
  command <--scheme>
  command <github>
  command <--scheme>
  command <gitea>
  command <--scheme>
  command <standard>
  command <--respond-output>
  command <-->
  command </etc/inhook/hook>
$TAIL
trigger config.change inhook
EOF

	# Values as a user might write them: each must stay one argument,
	# unexpanded; empty list items are left out (an empty argument
	# before -- would end inhook's options early)
	cat > "$T/conf" <<'EOF'
package inhook

config inhook 'odd'
	list secret_file '/etc/inhook/the secret'
	option hook '/etc/inhook/my hook'
	option path '/hook$(touch pwned1)'
	option scheme 'github gitea'
	list address ''
	list env 'GREETING=hello   world'
	list when 'message~fix `touch pwned2` a*'
	list extra '--tolerance=300'
	list extra ''
	list extra '--env=NOTE=it'\''s "quoted" $HOME ; touch pwned3'
	list hook_arg 'a*'
	list hook_arg ''
	list hook_arg '$(touch pwned4)'
	list hook_arg '  two  spaces  '
EOF
	scenario "values with spaces, quotes, \$(...), globs: one argument each, nothing run" <<EOF
service inhook
instance odd
  command </usr/sbin/inhook>
  command <--listen>
  command <:9000>
  command <--secret-file>
  command </etc/inhook/the secret>
  command <--scheme>
  command <github gitea>
  command <--path>
  command </hook\$(touch pwned1)>
  command <--env>
  command <GREETING=hello   world>
  command <--when>
  command <message~fix \`touch pwned2\` a*>
  command <--syslog>
  command <--tolerance=300>
  command <--env=NOTE=it's "quoted" \$HOME ; touch pwned3>
  command <-->
  command </etc/inhook/my hook>
  command <a*>
  command <\$(touch pwned4)>
  command <  two  spaces  >
$TAIL
trigger config.change inhook
EOF

	cat > "$T/conf" <<'EOF'
package inhook

config inhook 'off0'
	option enabled '0'
	list secret_file '/etc/inhook/secret'
	option hook '/etc/inhook/hook'

config inhook 'offno'
	option enabled 'no'
	list secret_file '/etc/inhook/secret'
	option hook '/etc/inhook/hook'

config inhook 'offfalse'
	option enabled 'false'
	list secret_file '/etc/inhook/secret'
	option hook '/etc/inhook/hook'

config other 'notinhook'
	list secret_file '/etc/inhook/secret'
	option hook '/etc/inhook/hook'

config inhook 'on'
	option enabled 'on'
	option port '9001'
	list secret_file '/etc/inhook/secret'
	option hook '/etc/inhook/hook'
	option syslog '0'
EOF
	scenario "disabled instances (0, no, false) and other sections: not started" <<EOF
service inhook
instance on
  command </usr/sbin/inhook>
  command <--listen>
  command <:9001>
  command <--secret-file>
  command </etc/inhook/secret>
  command <-->
  command </etc/inhook/hook>
$TAIL
trigger config.change inhook
EOF

	cat > "$T/conf" <<'EOF'
package inhook

config inhook 'lan'
	option address '192.168.1.1'
	option port '9000'
	list secret_file '/etc/inhook/lan.secret'
	option hook '/etc/inhook/lan-hook'

config inhook 'ci'
	option port '9443'
	list address '::1'
	list secret_file '/etc/inhook/ci.secret'
	list scheme 'gitlab'
	option hook '/etc/inhook/ci-hook'
	option stop_timeout '30'
EOF
	scenario "two instances, in the file's order" <<EOF
service inhook
instance lan
  command </usr/sbin/inhook>
  command <--listen>
  command <192.168.1.1:9000>
  command <--secret-file>
  command </etc/inhook/lan.secret>
  command <--syslog>
  command <-->
  command </etc/inhook/lan-hook>
$TAIL
instance ci
  command </usr/sbin/inhook>
  command <--listen>
  command <[::1]:9443>
  command <--secret-file>
  command </etc/inhook/ci.secret>
  command <--scheme>
  command <gitlab>
  command <--stop-timeout>
  command <30>
  command <--syslog>
  command <-->
  command </etc/inhook/ci-hook>
  respawn
  stdout <1>
  stderr <1>
  term_timeout <32>
end
trigger config.change inhook
EOF
	scenario "start NAME: that instance alone" ci <<EOF
service inhook
instance ci
  command </usr/sbin/inhook>
  command <--listen>
  command <[::1]:9443>
  command <--secret-file>
  command </etc/inhook/ci.secret>
  command <--scheme>
  command <gitlab>
  command <--stop-timeout>
  command <30>
  command <--syslog>
  command <-->
  command </etc/inhook/ci-hook>
  respawn
  stdout <1>
  stderr <1>
  term_timeout <32>
end
trigger config.change inhook
EOF

	# Without a secret inhook would exit at once and procd respawn it in
	# a loop: the section is not started, and says why; the others are
	cat > "$T/conf" <<'EOF'
package inhook

config inhook 'nosecret'
	option hook '/etc/inhook/hook'
	list secret_file ''

config inhook 'nohook'
	list secret_file '/etc/inhook/secret'

config inhook 'badport'
	option port '90 00'
	list secret_file '/etc/inhook/secret'
	option hook '/etc/inhook/hook'

config inhook 'good'
	list secret_file '/etc/inhook/secret'
	option hook '/etc/inhook/hook'
	option syslog '0'
EOF
	want_err="inhook: nosecret: no secret_file; not started
inhook: nohook: no hook; not started
inhook: badport: port '90 00' is not a number; not started"
	want_log="-t inhook -p daemon.warn nosecret: no secret_file; not started
-t inhook -p daemon.warn nohook: no hook; not started
-t inhook -p daemon.warn badport: port '90 00' is not a number; not started"
	scenario "no secret, no hook, bad port: not started, told on stderr and syslog" <<EOF
service inhook
instance good
  command </usr/sbin/inhook>
  command <--listen>
  command <:9000>
  command <--secret-file>
  command </etc/inhook/secret>
  command <-->
  command </etc/inhook/hook>
$TAIL
trigger config.change inhook
EOF
}

# ---- the recipes, with the stand-in SDK

# sdk DIR [CC]: a stand-in SDK in DIR, its TARGET_CC CC (default cc)
sdk() {
	mkdir -p "$1/include" "$1/dl"
	sed "s|^TARGET_CC:=.*|TARGET_CC:=${2:-cc}|" "$TOP/tests/openwrt/sdk/rules.mk" > "$1/rules.mk"
	cp "$TOP/tests/openwrt/sdk/include/package.mk" "$1/include/package.mk"
}

# field FILE NAME: NAME's value in "make info" output FILE
field() { sed -n "s/^$2=//p" "$1"; }

indent_log() { tail -n 20 "$1" | sed 's/^/#   /'; }

X="$TOP/tests/build/openwrt"

# The fields of both recipes, as the SDK's scan would read them
recipe_fields() {
	K="$T/sdk"
	sdk "$K"
	if make -s --no-print-directory -C "$O/bearssl" TOPDIR="$K" info > "$T/bearssl.info" 2>&1; then
		ok "openwrt: bearssl/Makefile parses with the SDK's macros"
	else
		nok "openwrt: bearssl/Makefile parses with the SDK's macros"
		indent_log "$T/bearssl.info"
	fi
	same "openwrt: bearssl is a build-only package" "$(field "$T/bearssl.info" BUILDONLY)" 1
	same "openwrt: bearssl's source is upstream's 0.6 tarball" \
	    "$(field "$T/bearssl.info" PKG_SOURCE_URL)$(field "$T/bearssl.info" PKG_SOURCE)" \
	    "https://bearssl.org/bearssl-0.6.tar.gz"
	same "openwrt: bearssl's PKG_HASH" "$(field "$T/bearssl.info" PKG_HASH)" \
	    6705bba1714961b41a728dfc5debbe348d2966c117649392f8c8139efc83ff14
	if make -s --no-print-directory -C "$O/inhook" TOPDIR="$K" info > "$T/inhook.info" 2>&1; then
		ok "openwrt: inhook/Makefile parses with the SDK's macros"
	else
		nok "openwrt: inhook/Makefile parses with the SDK's macros"
		indent_log "$T/inhook.info"
	fi
	same "openwrt: inhook needs bearssl to build, nothing at run time" \
	    "$(field "$T/inhook.info" PKG_BUILD_DEPENDS)|$(field "$T/inhook.info" DEPENDS)" \
	    "$(field "$T/bearssl.info" package)|"
	same "openwrt: inhook's version is the Makefile's" \
	    "$(field "$T/inhook.info" PKG_VERSION)" \
	    "$(sed -n 's/^VERSION *= *//p' "$TOP/Makefile")"
	same "openwrt: inhook's package makes the user inhook (group inhook)" \
	    "$(field "$T/inhook.info" USERID)" inhook:inhook
	same "openwrt: inhook's conffiles" "$(field "$T/inhook.info" conffile | tr '\n' ' ')" \
	    "/etc/config/inhook /etc/inhook/ "
}

# recipe_build TAG CC: both recipes in a stand-in SDK whose target
# compiler is CC: BearSSL from Debian's source of the same release when
# make check-cross has fetched it (kept in tests/build/openwrt/TAG while
# nothing it uses changes), else Debian's libbearssl-dev for "host" (and
# a skip for any other TAG); then inhook's Build/Prepare, Build/Compile,
# Package/inhook/install. Sets BUILT to the installed inhook on success.
recipe_build() {
	tag=$1 cc=$2
	BUILT=
	K="$T/sdk-$tag"
	sdk "$K" "$cc"
	bsrc=
	for _d in "$TOP"/tests/build/cross/src/bearssl-0.6*/; do
		[ -f "$_d/inc/bearssl.h" ] && bsrc=${_d%/}
	done
	stamp="$(basename "${bsrc:-none}") $(cat "$O/bearssl/Makefile" "$K/rules.mk" \
	    "$K/include/package.mk" | cksum) $($cc -dumpfullversion 2>/dev/null) $($cc -dumpmachine 2>/dev/null)"
	st="$X/$tag/staging"
	if [ -z "$bsrc" ]; then
		echo "ok - openwrt ($tag): bearssl recipe builds libbearssl.a # skip no BearSSL source in tests/build/cross/src (make check-cross fetches it)"
	elif [ -f "$st/usr/lib/libbearssl.a" ] && [ "$(cat "$st.stamp" 2>/dev/null)" = "$stamp" ]; then
		ok "openwrt ($tag): bearssl recipe builds libbearssl.a (cached: $(basename "$bsrc"))"
	else
		rm -rf "$st" "$st.stamp"
		if timeout 900 make --no-print-directory -C "$O/bearssl" TOPDIR="$K" SOURCE="$bsrc" \
		    prepare compile > "$T/bearssl-$tag.log" 2>&1 &&
		    [ -f "$K/staging_dir/usr/lib/libbearssl.a" ] &&
		    [ -f "$K/staging_dir/usr/include/bearssl_hmac.h" ]; then
			mkdir -p "$st"
			cp -R "$K/staging_dir/." "$st/"
			echo "$stamp" > "$st.stamp"
			ok "openwrt ($tag): bearssl recipe builds libbearssl.a (from $(basename "$bsrc"))"
		else
			nok "openwrt ($tag): bearssl recipe builds libbearssl.a"
			indent_log "$T/bearssl-$tag.log"
		fi
	fi
	rm -rf "$K/staging_dir" "$K/build_dir"
	mkdir -p "$K/staging_dir/usr/lib" "$K/staging_dir/usr/include"
	if [ -f "$st/usr/lib/libbearssl.a" ] && [ "$(cat "$st.stamp" 2>/dev/null)" = "$stamp" ]; then
		cp -R "$st/." "$K/staging_dir/"
	elif [ "$tag" = host ]; then
		cp /usr/lib/*/libbearssl.a "$K/staging_dir/usr/lib/" 2>/dev/null
		cp /usr/include/bearssl*.h "$K/staging_dir/usr/include/" 2>/dev/null
	else
		echo "ok - openwrt ($tag): inhook recipe built # skip no libbearssl.a for $cc"
		return
	fi

	# jsmn: the SDK would download it; libjsmn-dev's header stands in,
	# and must have the recipe's HASH (upstream's jsmn.h at v1.1.0)
	cp /usr/include/jsmn.h "$K/dl/jsmn-1.1.0.h"
	if make --no-print-directory -C "$O/inhook" TOPDIR="$K" prepare > "$T/prepare-$tag.log" 2>&1; then
		ok "openwrt ($tag): inhook's Build/Prepare (jsmn.h's HASH matches libjsmn-dev 1.1.0's)"
	else
		nok "openwrt ($tag): inhook's Build/Prepare (jsmn.h's HASH matches libjsmn-dev 1.1.0's)"
		indent_log "$T/prepare-$tag.log"
		return
	fi
	if timeout 600 make --no-print-directory -C "$O/inhook" TOPDIR="$K" compile > "$T/compile-$tag.log" 2>&1 &&
	    [ -x "$K/build_dir/inhook-0.1.0/inhook" ]; then
		ok "openwrt ($tag): inhook's Build/Compile with the SDK's compiler ($cc) and flags"
	else
		nok "openwrt ($tag): inhook's Build/Compile with the SDK's compiler ($cc) and flags"
		grep -v "^$cc " "$T/compile-$tag.log" | indent_log /dev/stdin
		return
	fi
	if grep -q 'warning:' "$T/compile-$tag.log"; then
		nok "openwrt ($tag): inhook's build warning-free with OpenWrt's hardening flags"
		grep 'warning:' "$T/compile-$tag.log" | head -n 10 | sed 's/^/#   /'
	else
		ok "openwrt ($tag): inhook's build warning-free with OpenWrt's hardening flags"
	fi
	if make --no-print-directory -C "$O/inhook" TOPDIR="$K" install > "$T/install-$tag.log" 2>&1; then
		ok "openwrt ($tag): Package/inhook/install"
	else
		nok "openwrt ($tag): Package/inhook/install"
		indent_log "$T/install-$tag.log"
		return
	fi
	R="$K/root"
	same "openwrt ($tag): installed files and modes" \
	    "$(cd "$R" && find . -type f -exec stat -c '%a %n' {} + | LC_ALL=C sort | tr '\n' ' ')" \
	    "600 ./etc/config/inhook 755 ./etc/init.d/inhook 755 ./usr/sbin/inhook "
	check "openwrt ($tag): /etc/init.d/inhook is files/inhook.init" cmp -s "$R/etc/init.d/inhook" "$INIT"
	check "openwrt ($tag): /etc/config/inhook is files/inhook.config" cmp -s "$R/etc/config/inhook" "$CONF"
	same "openwrt ($tag): /usr/sbin/inhook runs" "$("$R/usr/sbin/inhook" --version 2>&1)" \
	    "inhook $(field "$T/inhook.info" PKG_VERSION)"
	_n=$(readelf -d "$R/usr/sbin/inhook" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
	case "$_n" in
	*bearssl*|"") nok "openwrt ($tag): BearSSL linked statically, the C library shared (NEEDED: $_n)" ;;
	*) ok "openwrt ($tag): BearSSL linked statically, the C library shared (NEEDED: $_n)" ;;
	esac
	same "openwrt ($tag): the package's inhook signs the JobServ sample as make's" \
	    "$("$R/usr/sbin/inhook" sign --secret-file "$SECRET" "$SAMPLE" 2>&1)" "$(sign "$SAMPLE")"
	BUILT="$R/usr/sbin/inhook"
}

# gone PID: true once PID has exited (a zombie until this shell waits)
gone() { [ ! -e "/proc/$1/stat" ] || [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" = Z ]; }

# live_test TAG BINARY: the init script's command line for a configuration
# with most options, run with BINARY for /usr/sbin/inhook: it must listen,
# answer curl's signed delivery with 200, run the hook with the payload,
# the configured --env and argument, and exit 0 on SIGTERM.
live_test() {
	tag=$1 bin=$2
	if ! "$bin" --help 2>&1 | grep -q -- '--listen'; then
		echo "ok - openwrt ($tag): the init script's command line runs # skip $bin has no --listen"
		return
	fi
	port=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	H="$T/live-$tag"
	mkhook "$H"
	cat > "$T/conf" <<EOF
package inhook

config inhook 'live'
	option port '$port'
	list address '127.0.0.1'
	list secret_file '$SECRET'
	option hook '$H/hook'
	list hook_arg 'first arg'
	option path '/webhook'
	list scheme 'github'
	list scheme 'jobserv'
	option max_body '65536'
	option timeout '10'
	option hook_timeout '30'
	list env 'SITE=my site'
	option spool '$T/spool-$tag'
	option dedupe '$T/dedupe-$tag'
	option lock '$T/lock-$tag'
	option lock_wait '5'
	list when 'STATUS=PASSED'
	option max_conns '4'
	option max_per_source '2'
	option stop_timeout '5'
	option syslog '0'
	list extra '--tolerance=300'
EOF
	run_init sh > "$T/live.out" 2> "$T/live.err"
	set --
	while IFS= read -r _l; do
		case "$_l" in
		"  command <"*">") _w=${_l#"  command <"}; set -- "$@" "${_w%">"}" ;;
		esac
	done < "$T/live.out"
	if [ "$1" != /usr/sbin/inhook ]; then
		nok "openwrt ($tag): the init script's command line runs (no command)"
		indent_log "$T/live.out"
		return
	fi
	shift
	# shellcheck disable=SC2086 # SANENV: NAME=VALUE words
	env $SANENV "$bin" "$@" < /dev/null > /dev/null 2> "$T/live-$tag.log" &
	lpid=$!
	if ! wait_for listening "$port"; then
		nok "openwrt ($tag): the init script's command line runs: listening on 127.0.0.1:$port"
		echo "#   inhook $*"
		head -n 5 "$T/live-$tag.log" | sed 's/^/#   /'
		kill -KILL "$lpid" 2>/dev/null
		wait "$lpid" 2>/dev/null
		return
	fi
	code=$(curl -s --max-time 30 -o /dev/null -w '%{http_code}' \
	    -H 'Content-Type: application/json' -H "X-JobServ-Sig: $(sign "$SAMPLE")" \
	    --data-binary @"$SAMPLE" "http://127.0.0.1:$port/webhook")
	same "openwrt ($tag): the init script's command line runs: delivery answered 200" "$code" 200
	if [ "$(runs "$H")" = 1 ] && grep -qx 'WEBHOOK_BUILD_ID=67' "$H/env" &&
	    grep -qx 'SITE=my site' "$H/env" && [ "$(cat "$H/args")" = "first arg" ]; then
		ok "openwrt ($tag): the init script's command line runs: the hook, its payload, --env, argument"
	else
		nok "openwrt ($tag): the init script's command line runs: the hook, its payload, --env, argument"
		echo "#   runs: $(runs "$H"); args: $(cat "$H/args" 2>/dev/null)"
		indent_log "$T/live-$tag.log"
	fi
	kill -TERM "$lpid"
	if wait_for gone "$lpid"; then
		wait "$lpid"
		same "openwrt ($tag): the init script's command line runs: SIGTERM, exit 0" "$?" 0
	else
		nok "openwrt ($tag): the init script's command line runs: SIGTERM, exit 0 (still running)"
		kill -KILL "$lpid" 2>/dev/null
		wait "$lpid" 2>/dev/null
	fi
}

init_tests
recipe_fields
# the project's own inhook, as make check built it
live_test make "$INHOOK"
# the recipes with the host's compiler (glibc), then with musl-gcc
# (Debian's musl, dynamically linked as OpenWrt links its packages): the
# built package's inhook runs the golden suite and the live test
recipe_build host cc
if command -v musl-gcc >/dev/null 2>&1; then
	recipe_build musl musl-gcc
	if [ -n "$BUILT" ]; then
		golden_with "openwrt (musl): the package's inhook" "$BUILT"
		live_test musl "$BUILT"
	fi
else
	echo "ok - openwrt (musl): the recipes with musl-gcc # skip no musl-gcc (musl-tools)"
fi
