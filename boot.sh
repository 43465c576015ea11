#!/bin/sh
# Generates configure and Makefile.in from a git checkout.
set -e
mkdir -p m4 build-aux
autoreconf --install --force
