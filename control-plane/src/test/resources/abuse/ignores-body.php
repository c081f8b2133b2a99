<?php
// Answers without reading its body.
echo json_encode(['pong' => true]);
