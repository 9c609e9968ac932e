"""Evidence intake: decide a file's type from its bytes, stream it into a content-addressed store."""
