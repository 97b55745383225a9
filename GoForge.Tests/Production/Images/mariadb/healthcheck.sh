#!/bin/sh
# The official image's healthcheck.sh, in small (its --connect and --innodb_initialized flags are accepted and mean
# the same here): healthy once the real server answers over TCP, which the first-start server (no networking) never
# does. A ping answers without credentials.
exec mariadb-admin --protocol=tcp --host=127.0.0.1 ping --silent
