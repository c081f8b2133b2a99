package org.faasj.controlplane.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;

/**
 * The two parts of a deploy request, {@code code} and {@code descriptor}, each accepted as a file
 * part or a plain form field (the original's page sent files; scripts often send text).
 */
record DeployUpload(DeploySpec spec, CodeSource code) {

    private static final int MAX_DESCRIPTOR_BYTES = 64 * 1024;

    /** @throws DeployProblem 400 for a missing or invalid part, 413 for oversized code */
    static DeployUpload from(MultipartHttpServletRequest request, long maxCodeBytes) {
        String descriptor = descriptorText(request);
        DeploySpec spec = DescriptorParser.parse(descriptor);
        return new DeployUpload(spec, code(request, maxCodeBytes));
    }

    private static String descriptorText(MultipartHttpServletRequest request) {
        MultipartFile file = request.getFile("descriptor");
        if (file != null) {
            if (file.getSize() > MAX_DESCRIPTOR_BYTES) {
                throw DeployProblem.tooLarge("descriptor", MAX_DESCRIPTOR_BYTES);
            }
            try {
                return new String(file.getBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String text = request.getParameter("descriptor");
        if (text == null) {
            throw DeployProblem.invalid("descriptor", "multipart part 'descriptor' (the descriptor JSON) is missing");
        }
        return text;
    }

    private static CodeSource code(MultipartHttpServletRequest request, long maxCodeBytes) {
        MultipartFile file = request.getFile("code");
        CodeSource code;
        if (file != null) {
            code = new CodeSource() {
                @Override
                public InputStream open() throws IOException {
                    return file.getInputStream();
                }

                @Override
                public long size() {
                    return file.getSize();
                }
            };
        } else if (request.getParameter("code") != null) {
            code = CodeSource.of(request.getParameter("code").getBytes(StandardCharsets.UTF_8));
        } else {
            throw DeployProblem.invalid("code", "multipart part 'code' (the source file or module) is missing");
        }
        if (code.size() > maxCodeBytes) {
            throw DeployProblem.tooLarge("code", maxCodeBytes);
        }
        return code;
    }
}
