<?php
// faasj prelude (auto_prepend_file of every PHP function, warm or cold).
// A PHP process may be started before its request exists (the worker's warm pool), so the
// request's environment cannot be fixed at exec. It arrives here instead, on descriptor 3, as
// NAME=value entries separated by NUL; the worker closes the pipe after writing it. Cold starts
// get the same block at once, so both paths look identical to the function.
(static function (): void {
    $pipe = @fopen('php://fd/3', 'rb');
    $block = $pipe === false ? '' : stream_get_contents($pipe);
    if ($pipe !== false) {
        fclose($pipe);
    }
    $now = microtime(true);
    // the CLI sets these itself from the script; an environment variable never overrides them
    $cliOwned = ['PHP_SELF' => 1, 'SCRIPT_NAME' => 1, 'SCRIPT_FILENAME' => 1, 'PATH_TRANSLATED' => 1,
        'DOCUMENT_ROOT' => 1, 'REQUEST_TIME' => 1, 'REQUEST_TIME_FLOAT' => 1, 'argv' => 1, 'argc' => 1];
    $fillEnv = strpos((string) ini_get('variables_order'), 'E') !== false;
    foreach (explode("\0", (string) $block) as $entry) {
        $eq = strpos($entry, '=');
        if ($eq === false || $eq === 0) {
            continue;
        }
        $name = substr($entry, 0, $eq);
        $value = substr($entry, $eq + 1);
        putenv($entry);
        if (!isset($cliOwned[$name])) {
            $_SERVER[$name] = $value;
        }
        if ($fillEnv) {
            $_ENV[$name] = $value;
        }
    }
    // the request starts now, not when the interpreter was started ahead of it
    $_SERVER['REQUEST_TIME_FLOAT'] = $now;
    $_SERVER['REQUEST_TIME'] = (int) $now;
})();
