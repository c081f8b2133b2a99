<?php
// faasj handler-mode bootstrap for PHP: php faas-handler.php <module> <handler>
//
// Loads the module once, then serves one request at a time until its stdin ends. The worker
// started it with descriptor 1 pointing at its stderr file (an echo joins the function's log and
// can never corrupt an answer) and descriptor 3 as the answer pipe. Frames, lengths as u32 big
// endian: request = length + JSON head {method, path, query, headers, callId, attempt} + length +
// body; answer = length + JSON {status, headers, body, base64, raw, exception, error}.
// The module is required at the top level, so its globals are real globals and live as long as
// the process: that state reuse is the documented contract of handler mode.

/** What a handler returns to set the status and headers: see faas_response(). */
final class FaasResponse
{
    public function __construct(public int $status, public mixed $body, public array $headers = [])
    {
    }
}

/** faas_response(201, ['id' => 7], ['Location' => '/items/7']) */
function faas_response(int $status, mixed $body = '', array $headers = []): FaasResponse
{
    return new FaasResponse($status, $body, $headers);
}

$__faas_answers = fopen('php://fd/3', 'wb');
$__faas_handler = (string) ($argv[2] ?? 'main');
$__faas_load_error = null;
try {
    require $argv[1];
    if (!function_exists($__faas_handler)) {
        $__faas_load_error = "handler function '$__faas_handler' is not defined in the module";
    }
} catch (\Throwable $e) {
    fwrite(STDERR, "faas: loading the module failed: " . $e . "\n");
    $__faas_load_error = 'loading the module failed: ' . get_class($e) . ': ' . $e->getMessage();
}

(static function (string $handler, ?string $loadError, $answers): void {
    $read = static function (int $n): ?string {
        $buf = '';
        while (strlen($buf) < $n) {
            $chunk = fread(STDIN, $n - strlen($buf));
            if ($chunk === false || $chunk === '') {
                return null;
            }
            $buf .= $chunk;
        }
        return $buf;
    };
    $frame = static function () use ($read): ?string {
        $len = $read(4);
        if ($len === null) {
            return null;
        }
        $n = unpack('N', $len)[1];
        return $n === 0 ? '' : $read($n);
    };
    $send = static function (array $answer) use ($answers): void {
        $json = json_encode($answer, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
        fwrite($answers, pack('N', strlen($json)) . $json);
        fflush($answers);
    };
    $bodyOf = static function (mixed $value): string {
        if (is_string($value)) {
            return $value;
        }
        if ($value === null) {
            return '';
        }
        if (is_array($value) || is_object($value)) {
            return json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE
                | JSON_PRESERVE_ZERO_FRACTION);
        }
        if (is_bool($value)) {
            return $value ? 'true' : 'false';
        }
        return (string) $value;
    };
    $failed = static function (string $message) use ($send): void {
        $send(['status' => 500, 'exception' => true, 'error' => $message]);
    };
    while (true) {
        $headJson = $frame();
        if ($headJson === null) {
            return; // the worker closed our stdin: retired
        }
        $body = $frame();
        if ($body === null) {
            return;
        }
        if ($loadError !== null) {
            $failed($loadError);
            exit(1);
        }
        $head = json_decode($headJson, true);
        parse_str((string) $head['query'], $params);
        $json = null;
        $first = substr(ltrim(substr($body, 0, 64)), 0, 1);
        $type = (string) ($head['headers']['content-type'] ?? '');
        if ($body !== '' && ($first === '{' || $first === '[' || stripos($type, 'json') !== false)) {
            $json = json_decode($body, true);
        }
        $request = [
            'method' => $head['method'],
            'path' => $head['path'],
            'query' => $head['query'],
            'queryParams' => $params,
            'headers' => $head['headers'],
            'body' => $body,
            'json' => $json,
            'callId' => $head['callId'],
            'attempt' => $head['attempt'] ?? 1,
        ];
        try {
            $result = $handler($request);
        } catch (\Throwable $e) {
            fwrite(STDERR, "faas: call " . $head['callId'] . ": uncaught " . $e . "\n");
            $failed('uncaught ' . get_class($e) . ' in the handler');
            exit(1); // the worker replaces this process: its state may be broken
        }
        $status = 200;
        $headers = [];
        $raw = false;
        if ($result instanceof FaasResponse) {
            $status = $result->status;
            foreach ($result->headers as $name => $value) {
                $headers[(string) $name] = (string) $value;
                $raw = $raw || strcasecmp((string) $name, 'Content-Type') === 0;
            }
            $result = $result->body;
        }
        $out = $bodyOf($result);
        $binary = preg_match('//u', $out) !== 1;
        $send(['status' => $status, 'headers' => (object) $headers, 'body' => $binary ? base64_encode($out) : $out,
            'base64' => $binary, 'raw' => $raw]);
    }
})($__faas_handler, $__faas_load_error, $__faas_answers);
