dist_bin_SCRIPTS += utilities/gfp-sandbox
