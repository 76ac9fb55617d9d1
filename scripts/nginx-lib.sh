# For the scripts that run nginx from a scratch folder in front of bin/site
# (deploy-test.sh, observatory-test.sh; sourced, not run).

# nginx_scratch_paths DIR CERT KEY: the http {} lines that keep nginx's
# temporary files under DIR and name its TLS certificate and key.
nginx_scratch_paths() {
	local dir=$1 cert=$2 key=$3
	cat <<CONF
client_body_temp_path $dir/body;
proxy_temp_path $dir/proxy;
fastcgi_temp_path $dir/fastcgi;
uwsgi_temp_path $dir/uwsgi;
scgi_temp_path $dir/scgi;
ssl_certificate $cert;
ssl_certificate_key $key;
CONF
}
