package org.faasj.controlplane.async;

/**
 * What an attempt's answer means for the call. 2xx and 3xx: done. 429 and 5xx: the function or the
 * platform was busy or broken for the moment, try again. Any other 4xx: the request itself is
 * wrong, and sending it again would only fail again. No answer at all (timeout, I/O error): retry.
 */
enum Verdict {
    SUCCEEDED, RETRY, FAILED;

    static Verdict of(CallResult result) {
        Integer status = result.status();
        if (status == null || status == 429 || status >= 500) {
            return RETRY;
        }
        if (status >= 200 && status < 400) {
            return SUCCEEDED;
        }
        return FAILED;
    }
}
