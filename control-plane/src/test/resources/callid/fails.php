<?php
// Fails the way a real function does: a message with a secret in it on stderr, then a non-zero exit.
fwrite(STDERR, "connection refused for password " . getenv('DB_PASSWORD') . "\n");
exit(3);
