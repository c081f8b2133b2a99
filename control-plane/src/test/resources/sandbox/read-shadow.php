<?php
// Hostile: tries to read the host's password hashes.
error_reporting(0);
ini_set('display_errors', 'stderr');

$shadow = @file_get_contents('/etc/shadow');
echo json_encode([
    'exists' => @file_exists('/etc/shadow'),
    'content' => $shadow === false ? null : $shadow,
]), "\n";
