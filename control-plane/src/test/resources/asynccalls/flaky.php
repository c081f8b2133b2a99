<?php
// Fails (exit 1, a 500) on the first two attempts of a call, succeeds on the third.
$attempt = (int) getenv('FAAS_ATTEMPT');
if ($attempt < 3) {
    fwrite(STDERR, "failing attempt $attempt\n");
    exit(1);
}
echo json_encode(['attempt' => $attempt]);
