package render

// The Chromium engine: the document as an HTML page (pdf_html.go) printed
// by headless Chromium through the DevTools protocol, as a tagged PDF with
// an outline made from the headings. One browser serves every render; it
// starts at the first render, and Close stops it. Renders run side by side,
// each in a tab of its own, reused by the next render.

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// DefaultPDFTimeout bounds a render whose context has no deadline.
const DefaultPDFTimeout = 30 * time.Second

// Chromium renders documents with headless Chromium. It is safe for
// concurrent use: renders run side by side in separate tabs.
type Chromium struct {
	path string
	// mu is held for reading by every render and for writing to start or
	// stop the browser, so that Close waits for renders under way.
	mu      sync.RWMutex
	browser context.Context // a chromedp context whose browser runs; nil when stopped
	stop    context.CancelFunc
	tabs    chan *chromiumTab // idle tabs of the running browser
}

// NewChromium returns a renderer driving the Chromium program at path.
func NewChromium(path string) *Chromium { return &Chromium{path: path} }

// Engine names the engine and the program, for the log.
func (c *Chromium) Engine() string { return "chromium (" + c.path + "), tagged PDF" }

// chromiumFlags keep a headless browser quiet on a server whose network is
// closed: without them Chromium tries to reach Google's services (updates,
// sync, QUIC probes) and waits for them. The user-data-dir is a temporary
// directory chromedp creates and removes.
var chromiumFlags = []chromedp.ExecAllocatorOption{
	chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
	chromedp.Flag("disable-quic", true),
	chromedp.Flag("disable-background-networking", true),
	chromedp.Flag("disable-component-update", true),
	chromedp.Flag("disable-sync", true),
	chromedp.Flag("disable-extensions", true),
	chromedp.Flag("disable-default-apps", true),
	chromedp.Flag("disable-breakpad", true),
	// Containers often have a small /dev/shm, which Chromium fills and crashes.
	chromedp.Flag("disable-dev-shm-usage", true),
}

// maxIdleTabs is how many tabs wait for the next render: opening one
// costs more than printing a page of minutes.
const maxIdleTabs = 2

// chromiumTab is an open tab; its context is a child of the browser's.
type chromiumTab struct {
	ctx   context.Context
	close context.CancelFunc
}

// Render writes d as a PDF to w. ctx bounds the render (DefaultPDFTimeout
// when it has no deadline), the browser's start included.
func (c *Chromium) Render(ctx context.Context, w io.Writer, d *Document) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultPDFTimeout)
		defer cancel()
	}
	var doc bytes.Buffer
	if err := writeHTML(&doc, d); err != nil {
		return err
	}
	browser, err := c.acquire(ctx)
	if err != nil {
		return fmt.Errorf("render: starting chromium: %w", err)
	}
	pdf, err := c.print(ctx, browser, doc.String(), d)
	c.mu.RUnlock()
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("render: printing with chromium: %w", ctx.Err())
	}
	if err != nil {
		// The browser failed on its own (it crashed, or wedged): the next
		// render starts a new one.
		c.restart(browser)
		return fmt.Errorf("render: printing with chromium: %w", err)
	}
	_, err = w.Write(withInfo(pdf, d, d.created()))
	return err
}

// print prints the page in an idle tab, or a new one, and puts the tab
// back for the next render when all went well.
func (c *Chromium) print(ctx context.Context, browser context.Context, content string, d *Document) ([]byte, error) {
	var tab *chromiumTab
	select {
	case tab = <-c.tabs:
	default:
		tctx, closeTab := chromedp.NewContext(browser)
		// The tab's first call binds its life to the context it is given:
		// the tab's own, not ctx, so that it outlives this render.
		if err := within(ctx, func() error { return chromedp.Do(tctx) }, closeTab); err != nil {
			return nil, err
		}
		tab = &chromiumTab{ctx: tctx, close: closeTab}
	}
	pdf, err := printPage(ctx, tab.ctx, content, d)
	if err != nil {
		tab.close()
		return nil, err
	}
	select {
	case c.tabs <- tab:
	default:
		tab.close()
	}
	return pdf, nil
}

// within runs f, abandoning it (with abort, then waiting for f to return)
// when ctx ends first.
func within(ctx context.Context, f func() error, abort func()) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		if err != nil {
			abort()
		}
		return err
	case <-ctx.Done():
		abort()
		<-done
		return ctx.Err()
	}
}

// acquire returns the running browser's context, starting the browser if
// need be, with c.mu held for reading: the caller releases it.
func (c *Chromium) acquire(ctx context.Context) (context.Context, error) {
	for {
		c.mu.RLock()
		if c.browser != nil {
			return c.browser, nil
		}
		c.mu.RUnlock()
		c.mu.Lock()
		err := c.start(ctx)
		c.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
}

// start starts the browser, unless another render just did; c.mu is held.
// The browser's life is not bound to ctx, only the wait for it to start.
func (c *Chromium) start(ctx context.Context) error {
	if c.browser != nil {
		return nil
	}
	opts := append([]chromedp.ExecAllocatorOption{chromedp.ExecPath(c.path)}, chromiumFlags...)
	alloc, stopAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// chromedp logs what it does not follow of the page's events (it
	// complains of a document set without a navigation): errors that
	// matter come back from the calls.
	quiet := func(string, ...any) {}
	browser, stopBrowser := chromedp.NewContext(alloc, chromedp.WithLogf(quiet), chromedp.WithErrorf(quiet))
	stop := func() { stopBrowser(); stopAlloc() }
	if err := within(ctx, func() error { return chromedp.Do(browser) }, stop); err != nil {
		return err
	}
	c.browser, c.stop, c.tabs = browser, stop, make(chan *chromiumTab, maxIdleTabs)
	return nil
}

// restart stops browser if it is still the current one.
func (c *Chromium) restart(browser context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.browser == browser {
		c.stopLocked()
	}
}

// Close stops the browser once the renders under way are done. A later
// Render starts a new one.
func (c *Chromium) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopLocked()
	return nil
}

// stopLocked closes the idle tabs, then the browser; c.mu is held, so no
// render is under way.
func (c *Chromium) stopLocked() {
	for done := false; !done; {
		select {
		case tab := <-c.tabs:
			tab.close()
		default:
			done = true
		}
	}
	if c.stop != nil {
		c.stop()
	}
	c.browser, c.stop, c.tabs = nil, nil, nil
}

// printPage loads the page in the tab and prints it, within ctx.
func printPage(ctx context.Context, tab context.Context, content string, d *Document) ([]byte, error) {
	run, cancel := context.WithCancel(tab)
	defer cancel()
	defer context.AfterFunc(ctx, cancel)()
	if deadline, ok := ctx.Deadline(); ok {
		run, cancel = context.WithDeadline(run, deadline)
		defer cancel()
	}
	err := chromedp.Do(run, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		tree, err := cdp.Call(ctx, t, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return err
		}
		_, err = cdp.Call(ctx, t, page.SetDocumentContent, page.SetDocumentContentParams{
			FrameID: tree.FrameTree.Frame.ID, HTML: content})
		return err
	}))
	if err != nil {
		return nil, err
	}
	if err := run.Err(); err != nil {
		return nil, err
	}
	return chromedp.Run(run, chromedp.PrintToPDF(pdfOptions(d)...))
}

// pdfOptions print on A4 with the footer in the bottom margin, the
// backgrounds (table headers are shaded), a tagged PDF and an outline.
func pdfOptions(d *Document) []chromedp.PDFOption {
	const mm = 1 / 25.4 // inches
	return []chromedp.PDFOption{
		chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFMargins(18*mm, 16*mm, 20*mm, 16*mm),
		chromedp.PDFPreferCSSPageSize(),
		chromedp.PDFPrintBackground(),
		chromedp.PDFOutlineAndTagged(),
		chromedp.PDFHeaderTemplate(`<span></span>`),
		chromedp.PDFFooterTemplate(footerHTML(d.Footer)),
		chromedp.PDFStream(),
	}
}

// footerHTML is the footer: the document's footer text and the page
// number. Chromium renders it apart from the page, so its style is inline
// and its font size explicit (the default is zero).
func footerHTML(text string) string {
	return `<div style="font: 8pt 'Liberation Sans', 'DejaVu Sans', Arial, sans-serif; width: 100%; margin: 0 16mm; ` +
		`display: flex; justify-content: space-between; color: #333;">` +
		`<span>` + html.EscapeString(text) + `</span>` +
		`<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`
}
