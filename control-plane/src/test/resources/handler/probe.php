<?php
// HandlerModeIT: one function that shows what reached it and does what the query asks.
$calls = 0;
$id = bin2hex(random_bytes(8));
$secret = null;

function main(array $request)
{
    global $calls, $id, $secret;
    $calls++;
    $p = $request['queryParams'];
    echo "stdout-marker-" . $request['callId'] . "\n";
    if (isset($p['set'])) {
        $secret = $p['set'];
    }
    switch ($p['do'] ?? '') {
        case 'text':
            return 'just text';
        case 'jsontext':
            return '{"already":"json"}';
        case 'made':
            return faas_response(201, ['made' => true], ['X-Made' => 'yes']);
        case 'boom':
            throw new RuntimeException('boom-secret-detail');
        case 'sleep':
            sleep(10);
            return 'woke';
        case 'hog':
            $hog = str_repeat('x', 64 << 20);
            return strlen($hog);
    }
    return ['id' => $id, 'pid' => getmypid(), 'calls' => $calls, 'secret' => $secret, 'version' => 'v1',
        'method' => $request['method'], 'path' => $request['path'], 'query' => $request['query'],
        'queryParams' => $p, 'headers' => $request['headers'], 'body' => $request['body'],
        'json' => $request['json'], 'callId' => $request['callId']];
}
