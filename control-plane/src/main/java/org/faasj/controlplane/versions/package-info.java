/**
 * Function versions: every deploy leaves an immutable version (code digest, descriptor, build
 * output, who and when) in the {@code function_versions} table, the last few per function are kept
 * with their artifacts, and one of them is active. The deploy package switches between them; this
 * package only stores them and decides which ones retention lets go. The SQL is portable (plain
 * types, no SQLite-only syntax) and stays behind {@link org.faasj.controlplane.versions.VersionStore},
 * so another database can take the SQLite one's place.
 */
package org.faasj.controlplane.versions;
