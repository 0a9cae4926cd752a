# shellcheck shell=bash
# Shared by tests/lab/run and tests/lab/test-tier: fetch the kernel, build the
# initramfs, boot the lab once with a set of jobs, and split what came back.
#
# Callers set LAB_REPO (repository root) and call lab_setup_cleanup first.
#
# Wire protocol (guest side in tests/lab/init): kernel messages go to ttyS0
# (console.log); job output and markers go to ttyS1 (results.log):
#   @@LAB-BOOTED
#   @@LAB-MODULE ok|fail PATH [message]
#   @@LAB-BEGIN NAME ... job output ... @@LAB-END NAME STATUS
#   @@LAB-DONE STATUS
# then the guest writes STATUS to isa-debug-exit and QEMU exits STATUS*2+1.

LAB_CACHE=${LWVMM_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lwvmm-lab}
# kvm for lwvmm; tun for its net device; veth for containers' networks; the
# socket-diag and nf_tables modules because `criu check` needs them; nft_compat
# and xt_mark for the iptables rules with which CRIU locks a container's network;
# nf_conntrack_netlink because CRIU dumps a network namespace's conntrack table.
LAB_MODULES=${LAB_MODULES:-irqbypass kvm kvm-amd tun veth unix_diag inet_diag tcp_diag udp_diag netlink_diag af_packet_diag nf_tables nft_compat xt_mark nf_conntrack_netlink}
# Copied into the image's /lib/modules but not loaded: the lab's kernel is also
# lwvmm's Linux guest there, and bench/guestimg puts these (from the same
# modules.dep) into the guest's initramfs.
LAB_GUEST_MODULES=${LAB_GUEST_MODULES:-virtio_pci virtio_blk virtio_net virtio_console}
# Single-threaded TCG: with multi-threaded TCG the lab kernel froze now and then
# (nothing more on its console) while lwvmm created and destroyed VMs under the
# emulated SVM: about once per 300 VM lifecycles. LAB_TCG_OPTS= (empty) gives
# QEMU's default back; LAB_APPEND adds to the lab kernel's command line.
LAB_TCG_OPTS=${LAB_TCG_OPTS-thread=single}
LAB_KERNEL_META=linux-image-cloud-amd64
# Host tools copied into the lab when present (besides busybox), so that
# bash test scripts behave there as they do on the host; runc, criu (with GNU
# tar and iptables), ip, ldd
# and the standard tools make containers and checkpoint/restore work there;
# pgrep and pkill (procps) because Debian's busybox-static has neither and the
# host tests find their runs' processes with them.
LAB_HOST_TOOLS="bash env grep sed awk timeout setpriv unshare jq numactl lstopo-no-graphics
	ldd ip tar gzip runc criu iptables-restore ip6tables-restore fio iperf3 stress-ng pgrep pkill ${LAB_EXTRA_TOOLS:-}"
# Host directories copied in whole (scripts/linux_boot_compare: QEMU's firmware).
LAB_EXTRA_DIRS=${LAB_EXTRA_DIRS:-}
LAB_DEBUG_EXIT_PORT=0xf4
LAB_TMP=
LAB_QEMU_PID=

# Exit status of lab_die: tests/lab/run uses 125 (the lab, not the command).
LAB_DIE_STATUS=${LAB_DIE_STATUS:-1}

lab_die() {
	echo "lab: $*" >&2
	exit "$LAB_DIE_STATUS"
}

lab_cleanup() {
	if [ -n "$LAB_QEMU_PID" ] && kill -0 "$LAB_QEMU_PID" 2>/dev/null; then
		kill "$LAB_QEMU_PID" 2>/dev/null || true
		wait "$LAB_QEMU_PID" 2>/dev/null || true
	fi
	LAB_QEMU_PID=
	if [ -n "$LAB_TMP" ]; then
		rm -rf "$LAB_TMP"
	fi
	LAB_TMP=
}

# Creates the run's temporary directory; nothing in it, and no QEMU, outlives
# the script, whether it ends, fails or is interrupted.
lab_setup_cleanup() {
	trap lab_cleanup EXIT
	trap 'lab_cleanup; exit 130' INT
	trap 'lab_cleanup; exit 143' TERM
	LAB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lwvmm-lab.XXXXXX")
}

lab_need() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 ||
			lab_die "'$tool' is missing; run 'make deps' (packages qemu-system-x86, busybox-static)"
	done
}

# Sizes: 2G, 1536M, 1024 (MiB) -> MiB on stdout.
lab_size_mib() {
	case $1 in
	[1-9]*[gG]) [[ ${1%[gG]} =~ ^[0-9]+$ ]] && echo $((${1%[gG]} * 1024)) && return ;;
	[1-9]*[mM]) [[ ${1%[mM]} =~ ^[0-9]+$ ]] && echo "${1%[mM]}" && return ;;
	[1-9]*) [[ $1 =~ ^[0-9]+$ ]] && echo "$1" && return ;;
	esac
	return 1
}

# Sets LAB_KVER, LAB_KROOT (unpacked package) and LAB_VMLINUZ. The metapackage
# names the current kernel package; each kernel is unpacked once into
# $LAB_CACHE and never installed on the host.
lab_fetch_kernel() {
	local meta_dir meta pkg version kroot unpack
	lab_need apt-get dpkg-deb busybox
	mkdir -p "$LAB_CACHE" || lab_die "cannot create the lab cache $LAB_CACHE"
	meta_dir="$LAB_CACHE/meta.$$"
	rm -rf "$meta_dir" && mkdir -p "$meta_dir"
	if (cd "$meta_dir" && apt-get -q -o APT::Sandbox::User=root download "$LAB_KERNEL_META") \
		>"$meta_dir/log" 2>&1; then
		meta=$(echo "$meta_dir"/"$LAB_KERNEL_META"_*.deb)
		pkg=$(dpkg-deb -f "$meta" Depends | grep -o 'linux-image-[^ ,(]*' | head -n 1)
		version=$(dpkg-deb -f "$meta" Depends | sed -n 's/.*(= \([^)]*\)).*/\1/p')
		[ -n "$pkg" ] || lab_die "$LAB_KERNEL_META does not name a kernel package"
		echo "$pkg${version:+=$version}" >"$LAB_CACHE/current"
	elif [ -f "$LAB_CACHE/current" ]; then
		echo "lab: cannot download $LAB_KERNEL_META, using the cached $(cat "$LAB_CACHE/current")" >&2
	else
		cat "$meta_dir/log" >&2
		rm -rf "$meta_dir"
		lab_die "cannot download $LAB_KERNEL_META with apt-get (run 'apt-get update'?)"
	fi
	rm -rf "$meta_dir"
	pkg=$(cut -d= -f1 <"$LAB_CACHE/current")
	kroot="$LAB_CACHE/$(tr '=' '_' <"$LAB_CACHE/current")"
	if [ ! -f "$kroot/.complete" ]; then
		echo "lab: fetching $(cat "$LAB_CACHE/current") into $LAB_CACHE" >&2
		unpack="$kroot.tmp.$$"
		rm -rf "$unpack" && mkdir -p "$unpack/deb"
		(cd "$unpack/deb" && apt-get -q -o APT::Sandbox::User=root download "$(cat "$LAB_CACHE/current")") \
			>"$unpack/log" 2>&1 || { cat "$unpack/log" >&2; rm -rf "$unpack"; lab_die "cannot download $pkg"; }
		dpkg-deb -x "$unpack"/deb/*.deb "$unpack/root" || { rm -rf "$unpack"; lab_die "cannot unpack $pkg"; }
		LAB_KVER=$(ls "$unpack/root/lib/modules")
		# Debian's package leaves modules.dep to the installer: make it here.
		busybox depmod -b "$unpack/root" "$LAB_KVER" ||
			{ rm -rf "$unpack"; lab_die "depmod failed for $LAB_KVER"; }
		rm -rf "$unpack/deb" "$unpack/log" "$kroot"
		touch "$unpack/root/.complete"
		mv "$unpack/root" "$kroot"
		rm -rf "$unpack"
	fi
	LAB_KROOT=$kroot
	LAB_KVER=$(ls "$kroot/lib/modules")
	LAB_VMLINUZ="$kroot/boot/vmlinuz-$LAB_KVER"
	[ -f "$LAB_VMLINUZ" ] || lab_die "no kernel image $LAB_VMLINUZ in $pkg"
}

# Prints the modules to load (LAB_MODULES, or the names given), as paths
# relative to /lib/modules/KVER, in load order: every module after the
# modules it depends on (from modules.dep).
lab_resolve_modules() {
	local dep="$LAB_KROOT/lib/modules/$LAB_KVER/modules.dep" name
	[ -f "$dep" ] || lab_die "no modules.dep in $LAB_KROOT"
	for name in ${*:-$LAB_MODULES}; do
		printf '%s\n' "$name"
	done | awk -v prefix="/lib/modules/$LAB_KVER/" -v depfile="$dep" '
		function base(path,  b) {
			b = path; sub(/.*\//, "", b); sub(/\.ko(\.[a-z]+)?$/, "", b)
			gsub(/-/, "_", b); return b
		}
		function visit(path,  n, i, list) {
			if (path in seen) return
			seen[path] = 1
			n = split(deps[path], list, " ")
			for (i = 1; i <= n; i++) visit(list[i])
			print path
		}
		BEGIN {
			while ((getline line < depfile) > 0) {
				colon = index(line, ":")
				path = substr(line, 1, colon - 1); sub("^" prefix, "", path)
				rest = substr(line, colon + 1); gsub("(^| )" prefix, " ", rest)
				deps[path] = rest; byname[base(path)] = path
			}
		}
		{
			name = $1; gsub(/-/, "_", name)
			if (!(name in byname)) { missing = missing " " $1; next }
			visit(byname[name])
		}
		END { if (missing != "") { print "missing:" missing; exit 1 } }'
}

# Copies FILE to the same path under ROOT (following symlinks).
lab_copy_to() {
	local root=$1 file=$2
	mkdir -p "$root$(dirname "$file")"
	cp -L "$file" "$root$file"
}

# Copies the shared libraries of every ELF file given, as ldd resolves them.
lab_copy_libraries() {
	local root=$1 file lib libs
	local -a paths
	shift
	for file in "$@"; do
		[ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
		# Static programs (ldd fails on them) need nothing.
		libs=$(ldd "$file" 2>/dev/null) || continue
		mapfile -t paths < <(grep -o '^[[:space:]]*/[^ ]*\|=> /[^ ]*' <<<"$libs" | grep -o '/[^ ]*')
		for lib in "${paths[@]}"; do
			[ -e "$root$lib" ] || lab_copy_to "$root" "$lib"
		done
	done
}

# Sets LAB_IMAGE and LAB_MODULE_PATHS (lab_resolve_modules). The base initramfs (uncompressed cpio: TCG decompresses
# slowly) with busybox, host tools, modules, the project's binaries and tests.
# It is rebuilt only when one of its inputs changed.
lab_build_image() {
	local out="$LAB_REPO/build/lab" root key modules guest_modules tool path file applet
	local -a inputs
	mkdir -p "$out"
	modules=$(lab_resolve_modules) || lab_die "kernel $LAB_KVER has no module named:${modules#*missing:} (LAB_MODULES=$LAB_MODULES)"
	# shellcheck disable=SC2086 # a list of names
	guest_modules=$(lab_resolve_modules $LAB_GUEST_MODULES) ||
		lab_die "kernel $LAB_KVER has no module named:${guest_modules#*missing:} (LAB_GUEST_MODULES=$LAB_GUEST_MODULES)"
	mapfile -t inputs < <(cd "$LAB_REPO" && find build/bin build/lab bench/suites tests/host tests/lab/t \
		-maxdepth 1 -type f ! -name '*.d' ! -name '*.o' ! -name 'initramfs*' 2>/dev/null | LC_ALL=C sort)
	inputs+=(reports/references.json)   # the papers' figures, for vmbench's reports
	key=$( {
		echo "$LAB_KVER $LAB_HOST_TOOLS $LAB_EXTRA_DIRS"
		echo "$modules"
		echo "$guest_modules"
		(cd "$LAB_REPO" && sha256sum tests/lab/init "${inputs[@]}")
		for tool in busybox $LAB_HOST_TOOLS; do
			path=$(command -v "$tool" 2>/dev/null) && sha256sum "$(readlink -f "$path")"
		done
	} | sha256sum | cut -c1-16)
	LAB_IMAGE="$out/initramfs.cpio"
	# shellcheck disable=SC2034 # read by the callers (prepare)
	LAB_MODULE_PATHS=$modules
	if [ -f "$LAB_IMAGE" ] && [ "$(cat "$out/initramfs.key" 2>/dev/null)" = "$key" ]; then
		return
	fi
	echo "lab: building the lab image $LAB_IMAGE" >&2
	root="$LAB_TMP/image"
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc,run,lab/jobs}
	cp "$(command -v busybox)" "$root/bin/busybox"
	for applet in $(busybox --list); do
		[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
	done
	ln -s ../../bin/busybox "$root/usr/bin/env"
	for tool in $LAB_HOST_TOOLS; do
		path=$(command -v "$tool" 2>/dev/null) || continue
		rm -f "$root/usr/bin/$tool"
		cp -L "$path" "$root/usr/bin/$tool"
		lab_copy_libraries "$root" "$root/usr/bin/$tool"
	done
	# iptables loads its matches and targets (CRIU's network lock) at run time
	for path in /usr/lib/*/xtables; do
		[ -d "$path" ] || continue
		mkdir -p "$root$path"
		cp -a "$path/." "$root$path/"
	done
	for path in $LAB_EXTRA_DIRS; do
		[ -d "$path" ] || lab_die "LAB_EXTRA_DIRS: no directory $path on the host"
		mkdir -p "$root$path"
		cp -aL "$path/." "$root$path/"
	done
	[ -x "$root/usr/bin/bash" ] || lab_die "bash is missing on the host"
	rm -f "$root/bin/bash" && ln -s ../usr/bin/bash "$root/bin/bash"
	printf '%s\n%s\n' "$modules" "$guest_modules" | sed '/^$/d' | sort -u | while read -r path; do
		mkdir -p "$root/lib/modules/$LAB_KVER/$(dirname "$path")"
		cp "$LAB_KROOT/lib/modules/$LAB_KVER/$path" "$root/lib/modules/$LAB_KVER/$path"
	done
	cp "$LAB_KROOT/lib/modules/$LAB_KVER/modules.builtin" "$root/lib/modules/$LAB_KVER/"
	printf '%s\n%s\n' "$modules" "$guest_modules" | sed '/^$/d' | sort -u | awk -v prefix="/lib/modules/$LAB_KVER/" '
		NR == FNR { keep[$0] = 1; next }
		{ path = substr($0, 1, index($0, ":") - 1); sub("^" prefix, "", path) }
		path in keep' - "$LAB_KROOT/lib/modules/$LAB_KVER/modules.dep" \
		>"$root/lib/modules/$LAB_KVER/modules.dep"
	echo "$modules" >"$root/lab/modules"
	for file in "${inputs[@]}"; do
		mkdir -p "$root/lab/repo/$(dirname "$file")"
		cp -p "$LAB_REPO/$file" "$root/lab/repo/$file"
	done
	lab_copy_libraries "$root" "$root"/lab/repo/build/bin/* "$root"/lab/repo/build/lab/*
	cp "$LAB_REPO/tests/lab/init" "$root/init"
	chmod 755 "$root/init"
	echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
	echo "root:x:0:" >"$root/etc/group"
	# Written aside and renamed, so that a concurrent run never boots half an image.
	(cd "$root" && find . | LC_ALL=C sort | busybox cpio -o -H newc 2>/dev/null) >"$LAB_IMAGE.$$" ||
		lab_die "cannot write the lab image"
	echo "$key" >"$out/initramfs.key.$$"
	mv "$LAB_IMAGE.$$" "$LAB_IMAGE"
	mv "$out/initramfs.key.$$" "$out/initramfs.key"
	rm -rf "$root"
}

# Boots the lab once: lab_boot NODES CPUS MEM_MIB TIMEOUT JOBDIR, where JOBDIR
# holds one bash script per job (run in name order, in /lab/repo). Leaves
# console.log, results.log and qemu.log in $LAB_TMP and sets LAB_QEMU_STATUS
# (124 when the timeout stopped QEMU).
lab_boot() {
	local nodes=$1 cpus=$2 mem=$3 timeout=$4 jobdir=$5 per node cpu cpulist
	local -a qemu
	lab_need qemu-system-x86_64 timeout
	per=$((mem / nodes))
	rm -rf "$LAB_TMP/overlay" && mkdir -p "$LAB_TMP/overlay/lab"
	cp -r "$jobdir" "$LAB_TMP/overlay/lab/jobs"
	{
		echo "LAB_NODES=$nodes"
		echo "LAB_CPUS=$cpus"
		echo "LAB_MEM_MIB=$((per * nodes))"
		echo "LAB_JOB_TIMEOUT=${LAB_JOB_TIMEOUT:-$timeout}"
	} >"$LAB_TMP/overlay/lab/env"
	(cd "$LAB_TMP/overlay" && find . | LC_ALL=C sort | busybox cpio -o -H newc 2>/dev/null) \
		>"$LAB_TMP/overlay.cpio" || lab_die "cannot write the job archive"
	# The kernel unpacks concatenated archives in order: jobs over the base.
	cat "$LAB_IMAGE" "$LAB_TMP/overlay.cpio" >"$LAB_TMP/initrd.cpio"
	qemu=(qemu-system-x86_64 -accel "tcg${LAB_TCG_OPTS:+,$LAB_TCG_OPTS}" -cpu "EPYC,+svm" -smp "$cpus" -m "$((per * nodes))M"
		-nodefaults -display none -no-reboot
		-kernel "$LAB_VMLINUZ" -initrd "$LAB_TMP/initrd.cpio"
		-append "console=ttyS0 panic=-1 oops=panic rdinit=/init ${LAB_APPEND:-}"
		-serial "file:$LAB_TMP/console.log" -serial "file:$LAB_TMP/results.log"
		-device "isa-debug-exit,iobase=$LAB_DEBUG_EXIT_PORT,iosize=0x01")
	for ((node = 0; node < nodes; node++)); do
		cpulist=
		for ((cpu = node; cpu < cpus; cpu += nodes)); do
			cpulist+=",cpus=$cpu"
		done
		qemu+=(-object "memory-backend-ram,id=ram$node,size=${per}M"
			-numa "node,nodeid=$node,memdev=ram$node$cpulist")
	done
	: >"$LAB_TMP/console.log"
	: >"$LAB_TMP/results.log"
	timeout -k 10 "$timeout" "${qemu[@]}" </dev/null >"$LAB_TMP/qemu.log" 2>&1 &
	LAB_QEMU_PID=$!
	LAB_QEMU_STATUS=0
	wait "$LAB_QEMU_PID" || LAB_QEMU_STATUS=$?
	LAB_QEMU_PID=
}

# Splits results.log into OUTDIR: NAME.out and NAME.status per finished job,
# plus booted, modules (one "ok|fail PATH [message]" a line) and done.
lab_split() {
	local outdir=$1
	mkdir -p "$outdir"
	tr -d '\r' <"$LAB_TMP/results.log" | awk -v dir="$outdir" '
		function finish(text) { if (name != "") printf "%s", text > (dir "/" name ".out") }
		name == "" && /^@@LAB-BOOTED$/ { print "" > (dir "/booted"); next }
		name == "" && /^@@LAB-MODULE / { sub(/^@@LAB-MODULE /, ""); print > (dir "/modules"); next }
		name == "" && /^@@LAB-BEGIN / { name = substr($0, 13); printf "" > (dir "/" name ".out"); next }
		name == "" && /^@@LAB-DONE / { print $2 > (dir "/done"); next }
		name != "" {
			end = index($0, "@@LAB-END " name " ")
			if (end == 0) { print > (dir "/" name ".out"); next }
			if (end > 1) print substr($0, 1, end - 1) > (dir "/" name ".out")
			print substr($0, end + length("@@LAB-END " name " ")) > (dir "/" name ".status")
			close(dir "/" name ".out"); name = ""
		}'
}

# The last lines of the lab's console, for failure reports.
lab_console_tail() {
	tr -d '\r' <"$LAB_TMP/console.log" | tail -n "${1:-25}"
}

# Why the lab did not end on its own, or nothing: a one-line reason.
lab_failure_reason() {
	local outdir=$1 timeout=$2
	if [ "$LAB_QEMU_STATUS" -eq 124 ] || [ "$LAB_QEMU_STATUS" -eq 137 ]; then
		echo "the lab did not finish within ${timeout}s (hang?)"
	elif [ ! -e "$outdir/booted" ]; then
		echo "the lab never reached its init (QEMU status $LAB_QEMU_STATUS; see qemu messages and console)"
	elif grep -q 'Kernel panic' "$LAB_TMP/console.log"; then
		echo "the lab's kernel panicked: $(tr -d '\r' <"$LAB_TMP/console.log" |
			grep -m 1 -o 'Kernel panic.*')"
	elif [ ! -e "$outdir/done" ]; then
		echo "the lab stopped before all jobs ended (QEMU status $LAB_QEMU_STATUS)"
	elif [ $((LAB_QEMU_STATUS % 2)) -ne 1 ]; then
		echo "QEMU ended with status $LAB_QEMU_STATUS instead of the lab's exit port"
	fi
}
