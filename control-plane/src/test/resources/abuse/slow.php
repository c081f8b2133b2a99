<?php
// Holds its worker's only slot for two seconds.
usleep(2000000);
echo json_encode(['slept' => true]);
