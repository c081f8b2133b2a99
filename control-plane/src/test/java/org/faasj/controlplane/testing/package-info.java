/** Helpers shared by the control plane's unit and integration tests. */
package org.faasj.controlplane.testing;
