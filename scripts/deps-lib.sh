# Shared by e2e-deps.sh and bench-deps.sh (sourced, not run).

# apt_install PACKAGE: installs a Debian package (as root, or through sudo).
apt_install() {
	local sudo=()
	if [[ $EUID -ne 0 ]]; then sudo=(sudo); fi
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$1" >/dev/null
}

# npm_ci_when_changed DIR [NPM_CI_ARGS...]: npm ci in DIR (with the further
# arguments, e.g. --ignore-scripts) when its package-lock.json changed since
# the last install. npm ci wipes node_modules and installs exactly the
# lock file; a copy of the lock file it installed from tells whether it must
# run again.
npm_ci_when_changed() {
	local dir=$1 stamp=$1/node_modules/.installed-package-lock.json
	shift
	if [[ -f "$stamp" ]] && cmp -s "$dir/package-lock.json" "$stamp"; then
		echo "$(basename "$dir")/node_modules: current"
	else
		echo "$(basename "$dir")/node_modules: installing (npm ci)"
		(cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error "$@")
		cp "$dir/package-lock.json" "$stamp"
	fi
}
