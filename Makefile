# Thin wrappers. Each target installs what it needs and can be run twice.
SHELL := /bin/bash
NODE_TEST := node --import tsx --test --test-concurrency=2 --test-timeout=600000
# "tool:debian-package" pairs; a tool already on PATH is not installed again.
TEST_TOOLS := socat:socat ffmpeg:ffmpeg ffprobe:ffmpeg sqlite3:sqlite3 openssl:openssl \
              mkfs.ext4:e2fsprogs gcc:gcc fincore:util-linux losetup:mount \
              systemd-analyze:systemd systemd-socket-activate:systemd systemd-sysusers:systemd \
              systemd-tmpfiles:systemd readelf:binutils strip:binutils dpkg-deb:dpkg \
              ceph-mon:ceph-mon ceph-osd:ceph-osd radosgw:radosgw
BROWSER_TOOLS := chromium:chromium
# The crash campaign: setpriv drops to its service user; its power-cut layer is a FUSE file system
# on Debian's python3 with python3-fusepy (checked apart: it is a module, not a program).
CRASH_TOOLS := setpriv:util-linux fusermount:fuse3 socat:socat ffmpeg:ffmpeg gcc:gcc
# The browser tests render Chinese: a CJK font for Chromium's screenshots.
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
BENCH_TOOLS := $(TEST_TOOLS) dcfldd:dcfldd time:time
DEB_TOOLS := dpkg-deb:dpkg strip:binutils systemd-sysusers:systemd systemd-tmpfiles:systemd
# make hil: QEMU, the guest's builders (debootstrap, a static busybox, kmod, cpio) and the card makers.
HIL_TOOLS := $(DEB_TOOLS) qemu-system-x86_64:qemu-system-x86 qemu-img:qemu-utils debootstrap:debootstrap \
             busybox:busybox-static cpio:cpio depmod:kmod xz:xz-utils sfdisk:fdisk mkfs.vfat:dosfstools \
             mcopy:mtools mkfs.exfat:exfatprogs mount.exfat-fuse:exfat-fuse mkfs.ext4:e2fsprogs gcc:gcc \
             ffmpeg:ffmpeg

.PHONY: crash crash-deps demo test hil bench bench-ingest bench-seal-variants bench-ledger bench-forwarder bench-dock bench-offsite deb deb-test deps node-deps lint typecheck unit integration

node_modules/.installed: package.json package-lock.json
	npm ci
	touch $@

node-deps: node_modules/.installed

define ensure_tools
	@missing=""; for pair in $(1); do tool=$${pair%%:*}; pkg=$${pair##*:}; \
	  command -v $$tool >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then echo "installing system tools:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && \
	  apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi
endef

crash-deps: node-deps
	$(call ensure_tools,$(CRASH_TOOLS))
	@/usr/bin/python3 -c 'import fusepy' 2>/dev/null || { echo "installing system tools: python3-fusepy"; \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 python3-fusepy >/dev/null; }

deps: node-deps crash-deps
	$(call ensure_tools,$(TEST_TOOLS) $(BROWSER_TOOLS))
	@test -e $(CJK_FONT) || { echo "installing system tools: fonts-wqy-zenhei"; \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-wqy-zenhei >/dev/null; }

typecheck: node-deps
	npx tsc --noEmit -p .

lint: node-deps
	npx biome check agent drivers test bench packaging

unit: deps
	$(NODE_TEST) $$(find test/unit -name '*.test.ts' | sort)

integration: deps
	$(NODE_TEST) $$(find test/integration -name '*.test.ts' | sort)

test: deps typecheck lint
	$(NODE_TEST) $$(find test -name '*.test.ts' | sort)
	$(MAKE) hil

# The package on a real USB stack under real systemd: a Debian 12 guest in QEMU (test/hil/).
hil: node-deps
	$(call ensure_tools,$(HIL_TOOLS))
	node --import tsx --test --test-timeout=3600000 test/hil/hil.suite.ts

# The crash campaign a release is judged by (test/crash/README.md): CRASH_TRIALS (200), CRASH_SEED,
# CRASH_TRIAL=n reruns one trial and keeps its folder, CRASH_JOBS (2), CRASH_KEEP=1 keeps failing trials.
crash: crash-deps
	npx tsx test/crash/run-campaign.ts

demo: deps
	UV_THREADPOOL_SIZE=64 npx tsx agent/bin/dockd.ts demo

bench: bench-ingest bench-ledger bench-forwarder bench-dock bench-offsite

bench-ingest: node-deps
	$(call ensure_tools,$(BENCH_TOOLS))
	npx tsx bench/ingest-bench.ts

# Not part of `make bench`: ways of writing the staged copy side by side (README, performance).
bench-seal-variants: node-deps
	$(call ensure_tools,$(BENCH_TOOLS))
	npx tsx bench/seal-variants.ts

bench-ledger: node-deps
	npx tsx bench/ledger-bench.ts

bench-forwarder: node-deps
	npx tsx bench/forwarder-bench.ts

bench-dock: deps
	$(call ensure_tools,$(BENCH_TOOLS))
	npx tsx bench/dock-bench.ts

# The off-site copy against a loopback Ceph (bluestore on a sparse file), beside lib-storage's Upload.
bench-offsite: node-deps
	$(call ensure_tools,ceph-mon:ceph-mon ceph-osd:ceph-osd radosgw:radosgw)
	npx tsx bench/offsite-bench.ts

deb: node-deps
	$(call ensure_tools,$(DEB_TOOLS))
	npx tsx packaging/build-deb.ts

deb-test: node-deps
	$(call ensure_tools,$(DEB_TOOLS))
	npx tsx packaging/deb-test.ts
