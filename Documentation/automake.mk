EXTRA_DIST += \
	Documentation/index.rst
