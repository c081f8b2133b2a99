package org.faasj.controlplane.deploy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** The uploaded code, read as a stream so that parallel uploads are not all held in the heap. */
interface CodeSource {

    InputStream open() throws IOException;

    long size();

    /** Code that is already in memory (a plain form field rather than a file part). */
    static CodeSource of(byte[] bytes) {
        return new CodeSource() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long size() {
                return bytes.length;
            }
        };
    }
}
