package org.faasj.controlplane.invocations;

import org.faasj.model.InvocationOutcome;

/**
 * Which records a listing wants, from the API's {@code status} and {@code outcome} parameters.
 *
 * @param statusFrom lowest HTTP status, inclusive, or -1 for any
 * @param statusTo   highest HTTP status, inclusive
 * @param errorsOnly every outcome but {@code ok}
 * @param outcome    this outcome only, or null
 */
record RecordFilter(int statusFrom, int statusTo, boolean errorsOnly, InvocationOutcome outcome) {

    static final RecordFilter ALL = new RecordFilter(-1, -1, false, null);

    /**
     * @param status  {@code 200}, {@code 2xx}, {@code 4xx}, {@code 5xx}, {@code error}, or null
     * @param outcome an outcome label, or null
     * @throws IllegalArgumentException naming the parameter at fault
     */
    static RecordFilter of(String status, String outcome) {
        InvocationOutcome wanted = null;
        if (outcome != null && !outcome.isEmpty()) {
            try {
                wanted = InvocationOutcome.ofLabel(outcome);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("outcome");
            }
        }
        if (status == null || status.isEmpty()) {
            return new RecordFilter(-1, -1, false, wanted);
        }
        if (status.equals("error")) {
            return new RecordFilter(-1, -1, true, wanted);
        }
        if (status.matches("[1-5]xx")) {
            int from = (status.charAt(0) - '0') * 100;
            return new RecordFilter(from, from + 99, false, wanted);
        }
        if (status.matches("0|[1-5][0-9][0-9]")) {
            int code = Integer.parseInt(status);
            return new RecordFilter(code, code, false, wanted);
        }
        throw new IllegalArgumentException("status");
    }
}
