//! The tokenizer pass on small pages.

use super::attrs::flag_words;
use super::*;

fn run(html: &str) -> Extract {
    extract(html, &Limits::default(), 64).0
}

#[test]
fn visible_text_and_zones() {
    let e = run(
        "<html><head><title>Acme | Home</title><script>var x='hidden';</script>\
        <style>p{}</style></head><body><h1>Welcome</h1><p>Hello <b>world</b></p>\
        <template><p>not shown</p></template><footer>© 2024 Acme Inc.</footer>\
        <button>Sign in</button><img alt='Acme logo' src='/img/logo.png'></body></html>",
    );
    assert_eq!(e.title, "Acme | Home");
    assert!(e.body.contains("Hello world"), "{:?}", e.body);
    assert!(!e.body.contains("hidden") && !e.body.contains("not shown"));
    assert!(e.headings.contains("Welcome"));
    assert!(e.footer.contains("© 2024 Acme Inc."));
    assert!(e.prominent.contains("Sign in") && e.prominent.contains("Acme logo"));
    assert!(e.script.contains("var x"));
    assert_eq!(e.resources, vec!["/img/logo.png"]);
}

#[test]
fn what_a_page_runs_or_points_at_is_read_apart_from_what_it_shows() {
    let e = run(
        "<link rel=stylesheet href='https://cdn.acme.com/a.css'><script src='/js/app.js'></script>\
        <iframe src='https://video.acme.com/embed/1'></iframe><object data='/player.swf'></object>\
        <img src='/img/a.png'><video poster='/img/p.jpg'></video><embed src='/e.swf'>\
        <a href='https://store.example/app'><img src='/badge.png'></a>\
        <a class='logo' href='https://acme.com/'><img src='/logo.png'></a>\
        <footer><img src='/pay.png'></footer>",
    );
    assert_eq!(
        e.resources,
        vec![
            "https://cdn.acme.com/a.css",
            "/img/a.png",
            "/img/p.jpg",
            "/logo.png"
        ]
    );
    assert_eq!(
        e.embeds,
        vec![
            "/js/app.js",
            "https://video.acme.com/embed/1",
            "/player.swf",
            "/e.swf",
            "/badge.png",
            "/pay.png"
        ]
    );
}

#[test]
fn attributes_are_collected() {
    let e = run(
        "<meta property='og:site_name' content='Acme'><link rel=canonical href='https://acme.com/'>\
        <link rel='shortcut icon' href='/favicon.ico'><a href='https://acme.com/about'>x</a>\
        <form action='/login.php'><input type=password></form>",
    );
    assert_eq!(
        e.metas,
        vec![("og:site_name".to_owned(), "Acme".to_owned())]
    );
    assert_eq!(e.links.len(), 2);
    assert_eq!(e.anchors, vec!["https://acme.com/about"]);
    assert_eq!(e.form_actions, vec!["/login.php"]);
    assert_eq!(e.password_inputs, 1);
}

#[test]
fn class_words_flag_elements() {
    let cases = [
        ("site-Logo", F_LOGO),
        ("navbar-brand x", F_LOGO),
        ("page-header", F_HEADER),
        ("Footer copyright", F_FOOTER),
        ("logo header", F_LOGO | F_HEADER),
        ("log head foot", 0),
        ("", 0),
    ];
    for (value, want) in cases {
        assert_eq!(flag_words(value), want, "{value}");
    }
}

#[test]
fn deep_nesting_is_bounded() {
    let html = "<div>".repeat(200_000);
    let limits = Limits::default().with_max_depth(100);
    let (e, _) = extract(&html, &limits, 64);
    assert!(e.truncated);
    assert_eq!(e.tags, 200_000);
}

#[test]
fn tag_limit_stops_reading() {
    let limits = Limits::default().with_max_tags(10);
    let (e, _) = extract(&"<span>x</span>".repeat(100), &limits, 64);
    assert!(e.truncated);
    assert_eq!(e.tags, 11);
}

/// `<style>` text is read straight from the input (`fast_raw`); it must end where the
/// tokenizer's RAWTEXT state ends it and read as the tokenizer hands text on.
#[test]
fn raw_text_ends_where_the_standard_ends_it() {
    let cases = [
        ("<style>a{}</style><p>x", "a{}"),
        ("<style>a{}</STYLE ><p>x", "a{}"),
        ("<style>a{}</style/><p>x", "a{}"),
        ("<style>a</styles>b</style>", "a</styles>b"),
        ("<style>a\r\nb\rc\0d</style>", "a\nb\nc\u{FFFD}d"),
        ("<style>never closed</style", "never closed</style"),
        ("<style>x</style\r>y", "x"),
    ];
    for (html, want) in cases {
        assert_eq!(run(html).style_text, want, "{html:?}");
    }
    // What follows the raw text is tokenized again: tags, text and the stack.
    let after = run("<style><p>not a tag</style><h1>Acme</h1>");
    assert!(after.headings.contains("Acme"));
    assert!(!after.body.contains("not a tag"));
    // Ignored raw text stays out of the visible text.
    assert!(
        !run("<noscript><b>enable JS</b></noscript><p>hi")
            .body
            .contains("enable")
    );
}

/// `<script>` text is read straight from the input (`script_end`): on every mix of the
/// script data states' markers, it must hold exactly what html5ever's own script data
/// states give.
#[test]
fn script_text_matches_the_tokenizers_script_data_states() {
    use html5ever::tokenizer::{
        BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
        states::RawKind,
    };
    struct Reference(std::cell::RefCell<(bool, String)>);
    impl TokenSink for Reference {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            let mut s = self.0.borrow_mut();
            match token {
                Token::TagToken(t) if &*t.name == "script" && t.kind == TagKind::StartTag => {
                    s.0 = true;
                    return TokenSinkResult::RawData(RawKind::ScriptData);
                }
                Token::TagToken(t) if &*t.name == "script" && s.0 => {
                    s.0 = false;
                    s.1.push('\n');
                }
                Token::CharacterTokens(text) if s.0 => s.1.push_str(&text),
                _ => {}
            }
            TokenSinkResult::Continue
        }
    }
    let reference = |html: &str| {
        let tok = Tokenizer::new(
            Reference(std::cell::RefCell::new((false, String::new()))),
            TokenizerOpts::default(),
        );
        let queue = BufferQueue::default();
        queue.push_back(html.into());
        let _ = tok.feed(&queue);
        tok.end();
        tok.sink.0.into_inner().1
    };
    let parts = [
        "<!--",
        "-->",
        "--",
        "-",
        "<",
        ">",
        "<script>",
        "<SCRIPT ",
        "</script>",
        "</script ",
        "</Script/",
        "</scripts>",
        "</scr",
        "<scriptx>",
        "x",
        "\r\n",
        "\r",
        "\0",
        "<!-",
        "'",
    ];
    let mut rng = crate::test_rng::Rng::new(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let body = rng.text(&parts, 8);
        let html = format!("<p>a<script>{body}</script><b>tail</b>");
        assert_eq!(run(&html).script, reference(&html), "{html:?}");
    }
}

/// A label names the page where the page names itself: an icon's `alt` on a share or
/// follow link leading away, or in the footer, is not the page's name; a logo on a link
/// back to the brand's site still is.
#[test]
fn labels_of_links_leading_away_and_of_the_footer_are_not_prominent() {
    let e = run(
        "<main><a href='https://www.facebook.com/acme'><img alt='Facebook'></a>\
         <a href='//twitter.com/acme' aria-label='Twitter'>t</a>\
         <a href='/about'><img alt='About Acme'></a>\
         <a href='https://www.paypal.com/'><img class='logo' alt='PayPal'></a></main>\
         <footer><img alt='Visa'><a href='https://instagram.com/acme'><img alt='Instagram'></a></footer>",
    );
    assert!(e.prominent.contains("About Acme"), "{:?}", e.prominent);
    assert!(e.prominent.contains("PayPal"), "{:?}", e.prominent);
    for away in ["Facebook", "Twitter", "Instagram", "Visa"] {
        assert!(!e.prominent.contains(away), "{away} in {:?}", e.prominent);
    }
    assert!(
        e.footer.contains("Visa") && !e.footer.contains("Instagram"),
        "{:?}",
        e.footer
    );
}

/// The text of a form that asks for a password (by type, or by a field's name or id)
/// is kept, with its placeholders, labels and button values; other forms' text, hidden
/// fields and tooltips are not. A form left open ends at the next form or at the end.
#[test]
fn credential_forms_keep_what_they_show() {
    let e = run(
        "<form action=/search><input name=q placeholder='Search Acme'></form>\
         <form action=login.php><label>Acme ID</label><input placeholder='Acme Username'>\
         <input type=hidden name=t value='Hidden Acme'><input type=text name='login[password]'>\
         <label title='Tooltip Acme'>Code</label><input type=submit value='Get followers'></form>\
         <p>Outside</p><form><p>Second</p><input type=password><form><p>Third</p>",
    );
    let forms = &e.credential_forms;
    for want in [
        "Acme ID",
        "Acme Username",
        "Get followers",
        "Code",
        "Second",
    ] {
        assert!(forms.contains(want), "{want} in {forms:?}");
    }
    for not in [
        "Search Acme",
        "Hidden Acme",
        "Tooltip Acme",
        "Outside",
        "Third",
    ] {
        assert!(!forms.contains(not), "{not} in {forms:?}");
    }
    // Bounded however many forms a page holds.
    let many = "<form><input type=password placeholder='Acme password field'></form>".repeat(500);
    assert!(run(&many).credential_forms.len() <= CREDENTIAL_FORMS_BYTES);
}

#[test]
fn password_field_names() {
    for name in [
        "password",
        "login[password]",
        "text_password",
        "PWD",
        "user-pass",
    ] {
        assert!(attrs::names_password(name), "{name}");
    }
    for name in ["username", "passport", "compass", "bypass_cache", "email"] {
        assert!(!attrs::names_password(name), "{name}");
    }
}
