"""The bench's paths and suites, one module each: a ``path_*`` module
registers one path (:func:`gfp_bench.registry.register_path`), a
``suite_*`` module a suite (and, for a suite of variants, its paths as a
table).  :func:`gfp_bench.registry.load` imports them all."""
