/**
 * The web console: the page itself is static (repository root {@code src/main/resources/static/},
 * served by Spring at {@code /}); this package adds the two things the page needs from the server
 * besides the deploy API: {@code GET /upload} showing the same page (the original served its upload
 * form there) and {@code GET /system/workers}, the live worker figures the console polls.
 */
package org.faasj.controlplane.console;
