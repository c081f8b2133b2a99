<?php
// Writes one known line to stderr (markup in it, which the console must show as text), then
// answers; a body containing "fail" makes it exit 3 instead, so the console has an error to show.
$body = stream_get_contents(STDIN);
fwrite(STDERR, "observed <b>" . getenv('FAAS_CALL_ID') . "</b> says hello\n");
if (strpos($body, 'fail') !== false) {
    exit(3);
}
echo json_encode(['ok' => true, 'callId' => getenv('FAAS_CALL_ID')]);
