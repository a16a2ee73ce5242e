# Stand-in for an OpenWrt SDK's rules.mk, for tests/openwrt/run.sh (written
# for the tests): the variables a package recipe uses, with the host's
# compiler as the "target" one and flags like those of an OpenWrt build
# with its default hardening (stack protector in TARGET_CFLAGS,
# _FORTIFY_SOURCE in TARGET_CPPFLAGS, RELRO in TARGET_LDFLAGS).
# The test copies it to TOPDIR/rules.mk, package.mk to TOPDIR/include, and
# gives TOPDIR on make's command line.
INCLUDE_DIR:=$(TOPDIR)/include
BUILD_DIR:=$(TOPDIR)/build_dir
STAGING_DIR:=$(TOPDIR)/staging_dir
DL_DIR:=$(TOPDIR)/dl

TARGET_CC:=cc
TARGET_AR:=ar
TARGET_CFLAGS:=-Os -pipe -fno-caller-saves -fstack-protector-strong
TARGET_CPPFLAGS:=-I$(STAGING_DIR)/usr/include -D_FORTIFY_SOURCE=2
TARGET_LDFLAGS:=-L$(STAGING_DIR)/usr/lib -znow -zrelro
# As OpenWrt's: a recipe that passed these to the project's Makefile would
# replace its SIZE (size flags) with the size tool.
TARGET_CONFIGURE_OPTS:=AR="$(TARGET_AR)" CC="$(TARGET_CC)" SIZE=size STRIP=strip

PKG_JOBS:=-j2
INSTALL_DIR:=install -d -m0755
INSTALL_BIN:=install -m0755
INSTALL_DATA:=install -m0644
INSTALL_CONF:=install -m0600
CP:=cp -fpR
