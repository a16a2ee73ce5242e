# Stand-in for an OpenWrt SDK's include/package.mk, for
# tests/openwrt/run.sh (written for the tests). A recipe's definitions are
# used as the SDK uses them, with targets to run each step:
#   make -C RECIPE TOPDIR=DIR [SOURCE=DIR] prepare compile install info
# prepare  checks every Download (FILE already in DL_DIR, as the SDK's
#          download step leaves it, and its SHA-256 equal to HASH; nothing
#          is fetched), then Build/Prepare (the default one copies SOURCE,
#          standing in for the unpacked PKG_SOURCE)
# compile  Build/Compile, then Build/InstallDev into STAGING_DIR
# install  Package/NAME/install into TOPDIR/root
# info     the package's fields and conffiles, one "NAME=VALUE" a line
PKG_BUILD_DIR ?= $(BUILD_DIR)/$(PKG_NAME)-$(PKG_VERSION)
DOWNLOADS :=

define Download
$(eval URL:=)$(eval FILE:=)$(eval URL_FILE:=)$(eval HASH:=)
$(eval $(Download/$(1)))
$(if $(strip $(URL)),,$(error Download/$(1) is missing the URL field))
$(if $(strip $(FILE)),,$(error Download/$(1) is missing the FILE field))
$(if $(strip $(HASH)),,$(error Download/$(1) is missing the HASH field))
DOWNLOADS += $(FILE):$(HASH)
endef

define Build/Prepare/Default
	$(CP) $(SOURCE)/. $(PKG_BUILD_DIR)/
endef
define Build/Prepare
	$(Build/Prepare/Default)
endef
define Build/Compile
	$(MAKE) -C $(PKG_BUILD_DIR)
endef

define BuildPackage
$(eval $(Package/$(1)))
$(foreach f,SECTION CATEGORY TITLE,$(if $(strip $($(f))),,$(error Package/$(1) is missing the $(f) field)))
BUILT_PACKAGE:=$(1)
endef

.PHONY: prepare compile install info
prepare:
	@for d in $(DOWNLOADS); do \
		f=$${d%%:*} h=$${d#*:}; \
		echo "$$h  $(DL_DIR)/$$f" | sha256sum -c --quiet || exit 1; \
	done
	rm -rf $(PKG_BUILD_DIR)
	mkdir -p $(PKG_BUILD_DIR)
	$(Build/Prepare)

compile:
	$(Build/Compile)
	$(if $(Build/InstallDev),mkdir -p $(STAGING_DIR))
	$(call Build/InstallDev,$(STAGING_DIR))

install:
	rm -rf $(TOPDIR)/root
	mkdir -p $(TOPDIR)/root
	$(call Package/$(BUILT_PACKAGE)/install,$(TOPDIR)/root)

info:
	@echo 'package=$(BUILT_PACKAGE)'
	@echo 'PKG_NAME=$(PKG_NAME)'
	@echo 'PKG_VERSION=$(PKG_VERSION)'
	@echo 'PKG_RELEASE=$(PKG_RELEASE)'
	@echo 'PKG_SOURCE=$(PKG_SOURCE)'
	@echo 'PKG_SOURCE_URL=$(PKG_SOURCE_URL)'
	@echo 'PKG_HASH=$(PKG_HASH)'
	@echo 'PKG_LICENSE=$(PKG_LICENSE)'
	@echo 'PKG_BUILD_DEPENDS=$(PKG_BUILD_DEPENDS)'
	@echo 'DEPENDS=$(DEPENDS)'
	@echo 'BUILDONLY=$(BUILDONLY)'
	@echo 'USERID=$(USERID)'
	@echo 'SECTION=$(SECTION)'
	@echo 'CATEGORY=$(CATEGORY)'
	@$(foreach c,$(Package/$(BUILT_PACKAGE)/conffiles),echo 'conffile=$(c)';)
