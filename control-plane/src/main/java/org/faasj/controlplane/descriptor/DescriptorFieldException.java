package org.faasj.controlplane.descriptor;

/** A descriptor field that breaks a rule; {@code field} names it ({@code descriptor} for the document itself). */
public final class DescriptorFieldException extends RuntimeException {

    private final String field;

    DescriptorFieldException(String field, String detail) {
        super(detail);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
