package org.faasj.controlplane.jmh;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.faasj.controlplane.routing.Route;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link RouteTable#lookup} with about 1,000 routes, for a path that has a route and one that has
 * none. The gateway builds the path String from the request bytes for every request, so its hash
 * is not cached: the *FromBytes variants do the same (and include that String's allocation);
 * the plain variants look up a String whose hash is already cached, i.e. the map work alone.
 * Run with benchmarks/jmh.sh (not a unit test).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteTableBenchmark {

    @Param({"1000"})
    public int routes;

    private RouteTable table;
    private String hitMethod;
    private String hitPath;
    private String missPath;
    private byte[] hitBytes;
    private byte[] missBytes;

    @Setup
    public void setUp() {
        table = new RouteTable();
        List<Route> all = new ArrayList<>(routes);
        String[] methods = {"POST", "GET", "PUT"};
        for (int i = 0; i < routes; i++) {
            String method = methods[i % methods.length];
            String route = "/api/fn-" + Integer.toHexString(0x10000 + i * 7919);
            FunctionDescriptor d = new FunctionDescriptor("fn-" + i, FunctionRuntime.NATIVE, method, route,
                    "functions/fn-" + i + "/1/module.bin", "main", 128, 10, 64, 64, null, Map.of(), 1);
            all.add(new Route(d, Path.of("/srv/faasj/data/functions/fn-" + i + "/1/module.bin")));
        }
        table.replaceAll(all);
        Route target = all.get(routes / 2);
        hitPath = target.path();
        missPath = "/api/no-such-function";
        hitBytes = hitPath.getBytes(StandardCharsets.ISO_8859_1);
        missBytes = missPath.getBytes(StandardCharsets.ISO_8859_1);
        if (table.lookup(target.method(), hitPath) == null || table.lookup("GET", missPath) != null) {
            throw new IllegalStateException("route table not set up as expected");
        }
        hitMethod = target.method();
    }

    @Benchmark
    public Route hit() {
        return table.lookup(hitMethod, hitPath);
    }

    @Benchmark
    public Route miss() {
        return table.lookup("GET", missPath);
    }

    @Benchmark
    public Route hitFromBytes() {
        return table.lookup(hitMethod, new String(hitBytes, 0, hitBytes.length, StandardCharsets.ISO_8859_1));
    }

    @Benchmark
    public Route missFromBytes() {
        return table.lookup("GET", new String(missBytes, 0, missBytes.length, StandardCharsets.ISO_8859_1));
    }
}
