<?php
// Fails with a message on stderr and exit code 3.
fwrite(STDERR, "cannot reach the database\n");
exit(3);
