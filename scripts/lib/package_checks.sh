# The flatnet Debian package's life on a host: install, upgrade, remove, purge (twice:
# with an address still leased, and with none). Source it in the package sandbox
# (package_sandbox.sh), after common.sh.

# What the package installs (dpkg --verify checks their content).
PACKAGE_PATHS=(
    /usr/lib/cni/flatnet /usr/lib/cni/flatnet-ipam /opt/cni/bin/flatnet /opt/cni/bin/flatnet-ipam
    /usr/sbin/flatnet /usr/share/flatnet/netconf/questions.json
    /usr/share/flatnet/netconf/templates/conflist.json
    /usr/share/doc/flatnet/copyright /usr/share/doc/flatnet/changelog.Debian.gz
    /usr/share/man/man1/flatnet.1.gz /usr/share/man/man1/flatnet-ipam.1.gz
    /usr/share/bash-completion/completions/flatnet /usr/share/zsh/vendor-completions/_flatnet
    /usr/share/fish/vendor_completions.d/flatnet.fish
)

# Host state, as a host that ran containers has it: a real lease (flatnet-ipam, run as a
# runtime runs it, writes it in the default dataDir), and stand-ins for the log directory
# and the records in /run/flatnet.
LEASE=/var/lib/cni/flatnet/flat-pkg/addresses/10.43.1.2
LOG_FILE=/var/log/flatnet/flatnet.log
RUN_RECORD=/run/flatnet/ready/flat-pkg
IPAM_NETCONF='{"cniVersion": "1.0.0", "name": "flat-pkg", "type": "flatnet",
 "ipam": {"type": "flatnet-ipam", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
          "ranges": [{"rangeStart": "10.43.1.2", "rangeEnd": "10.43.1.9"}]}}'

lease_address() {  # lease_address ADD|DEL: flatnet-ipam from /opt/cni/bin, as a runtime calls it
    printf '%s' "$IPAM_NETCONF" | CNI_COMMAND="$1" CNI_CONTAINERID=package-test \
        CNI_NETNS=/run/netns/package-test CNI_IFNAME=eth0 CNI_PATH=/opt/cni/bin /opt/cni/bin/flatnet-ipam
}

make_state_stand_ins() {
    mkdir -p "$(dirname "$LOG_FILE")" "$(dirname "$RUN_RECORD")"
    echo '{"verb": "ADD"}' > "$LOG_FILE"
    : > "$RUN_RECORD"
}

changelog_names() {  # changelog_names VERSION: the package's changelog is VERSION's
    local first
    first="$(zcat /usr/share/doc/flatnet/changelog.Debian.gz | head -n 1)"
    [[ "$first" == "flatnet ($1) "* ]] || { echo "changelog starts: $first"; return 1; }
}

# A directory with nothing in it, in the sandbox's /run (the machine's /tmp is not overlaid).
empty_directory() {
    mkdir -p /run/flatnet-package-test/empty && echo /run/flatnet-package-test/empty
}

# path_kind PATH: what is at PATH (a test compares it before and after).
path_kind() {
    if [ -L "$1" ]; then echo link; elif [ -d "$1" ]; then echo directory
    elif [ -e "$1" ]; then echo file; else echo nothing; fi
}

same_as_before() {  # same_as_before PATH KIND
    [ "$(path_kind "$1")" = "$2" ] || { echo "$1 is now a $(path_kind "$1"), was a $2"; return 1; }
}

# catalog_found_by_default FLATNET CATALOG: FLATNET finds the installed CATALOG by itself:
# rendered from a directory with no ./netconf, its example answers give its example conflist.
catalog_found_by_default() {
    local examples="$2/examples" rendered
    rendered="$(cd "$(empty_directory)" && "$1" netconf render --template conflist \
        --answers "$examples/flat-a.answers.json" 2>&1)" || { echo "$rendered"; return 1; }
    diff <(printf '%s\n' "$rendered") "$examples/flat-a.conflist"
}

# manual_renders FILE: man renders FILE as flatnet(1), and groff warns about nothing.
manual_renders() {
    local warnings page
    warnings="$(MANPAGER=cat man --warnings -l "$1" 2>&1 >/dev/null)"
    page="$(MANPAGER=cat man -l "$1" 2>&1)"
    [ -z "$warnings" ] || { printf 'warnings:\n%s\n' "$warnings"; return 1; }
    grep -q '^FLATNET(1)' <<< "$page" || { printf 'not flatnet(1):\n%s\n' "$page" | head -n 5; return 1; }
}

# bash_completes FILE: bash loads FILE and then completes flatnet with it.
bash_completes() {
    bash -c 'source "$1" && complete -p flatnet' bash-completion-check "$1"
}

check_installed() {  # check_installed VERSION
    expect "dpkg: flatnet $1 is installed" dpkg_status_is "install ok installed $1"
    expect "dpkg --audit finds nothing half-done" dpkg_audit_clean
    expect "dpkg --verify: every file as packaged" dpkg --verify flatnet
    expect "the files are where the package puts them" exists "${PACKAGE_PATHS[@]}"
    expect "the changelog is $1's" changelog_names "$1"
    expect "/opt/cni/bin/flatnet runs (flatnet version)" \
        output_contains "flatnet $(flatnet_upstream_version)" /opt/cni/bin/flatnet version
    local ipam
    for ipam in /opt/cni/bin/flatnet-ipam /usr/lib/cni/flatnet-ipam; do
        expect "$ipam is the plugin" resolves_to "$ipam" /usr/lib/cni/flatnet
    done
    expect "/usr/sbin/flatnet is the plugin" resolves_to /usr/sbin/flatnet /usr/lib/cni/flatnet
    expect "man -w flatnet finds the manual page" \
        man_finds flatnet /usr/share/man/man1/flatnet.1.gz
    expect "the manual page renders, without warnings" manual_renders /usr/share/man/man1/flatnet.1.gz
    expect "man flatnet-ipam renders flatnet's page" manual_renders /usr/share/man/man1/flatnet-ipam.1.gz
    expect "bash loads the completion (complete -p flatnet)" \
        output_contains "complete -o filenames -F _flatnet flatnet" \
        bash_completes /usr/share/bash-completion/completions/flatnet
    expect "flatnet netconf render finds the packaged catalog" \
        catalog_found_by_default /usr/sbin/flatnet /usr/share/flatnet/netconf
}

check_removed() {  # check_removed VERSION
    expect "dpkg: flatnet removed, its record kept for purge" dpkg_status_is "deinstall ok config-files $1"
    expect "the package's files are gone" missing "${PACKAGE_PATHS[@]}"
    expect "remove kept the host state" exists "$LEASE" "$LOG_FILE" "$RUN_RECORD"
}

check_package_lifecycle() {  # check_package_lifecycle OLD_DEB NEW_DEB
    local old_version new_version opt_cni
    opt_cni="$(path_kind /opt/cni)"
    old_version="$(dpkg-deb -f "$1" Version)"
    new_version="$(dpkg-deb -f "$2" Version)"
    say "the package: install $old_version, upgrade to $new_version, remove, purge"
    expect "dpkg installs $old_version" dpkg -i "$1"
    check_installed "$old_version"
    expect "flatnet-ipam in /opt/cni/bin leases an address" output_contains '"10.43.1.2/16"' lease_address ADD
    make_state_stand_ins
    expect "dpkg upgrades to $new_version" dpkg -i "$2"
    check_installed "$new_version"
    expect "the upgrade kept the host state" exists "$LEASE" "$LOG_FILE" "$RUN_RECORD"
    expect "dpkg removes flatnet" dpkg -r flatnet
    check_removed "$new_version"
    check_purges "$2"
    expect "/opt/cni is as before the package" same_as_before /opt/cni "$opt_cni"
}

check_purges() {  # check_purges DEB: with an address leased, then with none
    expect "dpkg purges flatnet, saying it kept the leases" \
        output_contains "1 address(es) still leased" dpkg --purge flatnet
    expect "dpkg forgot flatnet" dpkg_status_is "unknown to dpkg"
    expect "purge removed the log directory" missing /var/log/flatnet
    expect "purge kept the lease and /run/flatnet" exists "$LEASE" "$RUN_RECORD"
    expect "dpkg installs flatnet again" dpkg -i "$1"
    expect "flatnet-ipam releases the address" lease_address DEL
    expect "the lease is gone" missing "$LEASE"
    expect "dpkg purges flatnet" dpkg --purge flatnet
    expect "purge removed flatnet's host state" missing /var/lib/cni/flatnet /var/log/flatnet /run/flatnet
    expect "nothing of the package is left" missing "${PACKAGE_PATHS[@]}" /usr/share/flatnet
    expect "dpkg --audit finds nothing half-done" dpkg_audit_clean
}
