package org.faasj.controlplane.console;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code GET /upload} shows the console, so bookmarks to the original's upload page keep working.
 * Only GET: {@code POST /upload} is the deploy API's original-compatible endpoint, and that mapping
 * alone would make Spring answer 405 to {@code GET /upload} before static resources are consulted.
 */
@Controller
class ConsolePageController {

    @GetMapping("/upload")
    String uploadPage() {
        return "forward:/index.html";
    }
}
