<?php
// Succeeds but complains on stderr: its record keeps the complaint.
fwrite(STDERR, "careful: low disk\n");
echo json_encode(['ok' => true]);
