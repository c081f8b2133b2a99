<?php
// Answers normally and leaves one line on stderr naming its call, for the function log.
fwrite(STDERR, "obs line of " . getenv('FAAS_CALL_ID') . "\n");
echo json_encode(["ok" => true]);
