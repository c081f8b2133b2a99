package org.faasj.controlplane.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.faasj.controlplane.store.StoreLocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * The original's seed route {@code GET /python} ran a WASM module with an external engine. Here it
 * is {@code examples/wasm/hello.c}, deployed at the first start of a data directory through the
 * ordinary deploy pipeline ({@code "runtime":"c","target":"wasm"}), so it is built, checked and
 * stored like any upload. Without the wasm32-wasi toolchain the route is not seeded, and the log
 * says why and what to install; nothing else depends on it.
 */
@Component
class WasmSeed {

    private static final Logger log = LoggerFactory.getLogger(WasmSeed.class);
    /** {@code deployedBy} of the seed version: the platform itself, not a token holder. */
    static final String SEEDED_BY = "seed";
    static final String SOURCE = "examples/wasm/hello.c";
    static final String DESCRIPTOR = """
            {"name":"python","runtime":"c","target":"wasm","method":"GET","route":"/python",\
            "memory":16,"timeout":5,"handler":"main"}""";

    private final Deployer deployer;
    private final boolean freshDatabase;

    WasmSeed(Deployer deployer, StoreLocation store) {
        this.deployer = deployer;
        this.freshDatabase = store.fresh();
    }

    @EventListener(ApplicationReadyEvent.class)
    void seedOnFirstStart() {
        if (!freshDatabase) {
            return; // an operator may have deleted the route: never bring it back
        }
        ClassPathResource source = new ClassPathResource(SOURCE);
        try {
            FunctionView fn = deployer.create(DescriptorParser.parse(DESCRIPTOR), code(source), SEEDED_BY);
            log.info("Seeded {} {} from {} (C built for WASM)", fn.method(), fn.route(), SOURCE);
        } catch (DeployProblem e) {
            log.warn("Seed route GET /python not created: {}", e.getBody().getDetail());
        } catch (RuntimeException e) {
            log.warn("Seed route GET /python not created: {}", e.toString());
        }
    }

    private static CodeSource code(ClassPathResource source) {
        return new CodeSource() {
            @Override
            public InputStream open() throws IOException {
                return source.getInputStream();
            }

            @Override
            public long size() {
                try {
                    return source.contentLength();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
