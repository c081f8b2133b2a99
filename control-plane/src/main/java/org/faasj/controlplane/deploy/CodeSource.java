package org.faasj.controlplane.deploy;

import java.io.IOException;
import java.io.InputStream;

/** The uploaded code, read as a stream so that parallel uploads are not all held in the heap. */
interface CodeSource {

    InputStream open() throws IOException;

    long size();
}
