<?php
// Takes its time, then says which attempt finished.
usleep(4000000);
echo json_encode(['attempt' => getenv('FAAS_ATTEMPT'), 'callId' => getenv('FAAS_CALL_ID')]);
