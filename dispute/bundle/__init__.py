"""Case bundles (docs/product.md §5): one ZIP with a stamped, bookmarked court PDF, every exhibit's original
bytes, and a signed manifest that anyone can check offline."""
