<?php
// Always fails: exit 1, a 500.
fwrite(STDERR, "attempt " . getenv('FAAS_ATTEMPT') . " broken\n");
exit(1);
