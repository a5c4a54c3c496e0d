//! Deciding what each file the analyst hands over is (annotation file, document, HTML
//! page), the limits on files, and the Export menu: rules the shell no longer holds.

use spanmark_core::{plan_intake, DocumentKind, ExportChoice, FileRefusal, Format, InputFile, TagScheme, Workspace, MAX_DATA_FILE_BYTES, MAX_DOCUMENT_BYTES};

fn files(list: &[(&str, &str)]) -> Vec<InputFile> {
    list.iter().map(|(name, text)| InputFile::new(*name, *text)).collect()
}

fn brat_pair() -> Vec<InputFile> {
    files(&[("kim.ann", "T1\tPERSON 0 3\tKim\n"), ("kim.txt", "Kim met Putin."), ("notes.txt", "my notes")])
}

#[test]
fn text_files_go_with_formats_that_read_them_and_are_documents_otherwise() {
    // brat reads .txt files as its texts: both go to the import.
    let plan = plan_intake(&brat_pair());
    assert_eq!(plan.format, Some(Format::Brat));
    assert_eq!((plan.annotation_files, plan.text_files), (vec![0], vec![1, 2]));
    assert!(plan.documents.is_empty());

    // Spanmark JSON carries its texts: a .txt beside it is a document of its own.
    let mut ws = Workspace::default();
    ws.add_document("a.txt", "Kim").unwrap();
    let json = ws.export_canonical(None).unwrap();
    let plan = plan_intake(&[InputFile::new("export.json", json), InputFile::new("b.txt", "Putin")]);
    assert_eq!(plan.format, Some(Format::Canonical));
    assert_eq!(plan.annotation_files, [0]);
    assert!(plan.text_files.is_empty());
    assert_eq!(plan.documents, [(1, DocumentKind::Text)]);

    // Only documents: nothing to import.
    let plan = plan_intake(&files(&[("a.txt", "Kim"), ("b.html", "<p>Putin</p>")]));
    assert!(plan.annotation_files.is_empty());
    assert_eq!(plan.documents, [(0, DocumentKind::Text), (1, DocumentKind::Html)]);
}

#[test]
fn files_in_no_format_are_documents_unless_their_name_says_annotations() {
    // A Markdown note is in no annotation format and has no annotation file's name: a document.
    let plan = plan_intake(&files(&[("notes.md", "# Notes\n\nKim met Putin.")]));
    assert!(plan.annotation_files.is_empty());
    assert_eq!(plan.documents, [(0, DocumentKind::Text)]);
    // Named .json, the same bytes are a broken annotation file: staging says what is wrong,
    // and the .txt beside it is taken as its text rather than opened on its own.
    let plan = plan_intake(&files(&[("notes.json", "# Notes"), ("notes.txt", "Kim")]));
    assert_eq!(plan.format, None);
    assert_eq!((plan.annotation_files, plan.text_files), (vec![0], vec![1]));
    assert!(plan.documents.is_empty());
}

#[test]
fn html_is_recognised_by_name_or_by_its_first_tag() {
    let kind = |name: &str, text: &str| InputFile::new(name, text).document_kind();
    assert_eq!(kind("a.html", "plain words"), DocumentKind::Html);
    assert_eq!(kind("a.htm", "plain words"), DocumentKind::Html);
    assert_eq!(kind("a.txt", "\u{feff}  <!DOCTYPE HTML><p>x</p>"), DocumentKind::Html);
    assert_eq!(kind("a.txt", "<html lang=\"ko\"><p>x</p>"), DocumentKind::Html);
    assert_eq!(kind("a.txt", "<htmlish> is not a tag we know"), DocumentKind::Text);
    assert_eq!(kind("a.txt", "Kim <b>met</b> Putin"), DocumentKind::Text);
}

#[test]
fn document_files_are_strict_utf8_without_nul_and_within_the_limit() {
    assert_eq!(InputFile::new("a.txt", "\u{feff}Путин 👋").document_text().unwrap(), "Путин 👋", "a BOM is dropped, as browsers do");
    let latin1 = InputFile::new("latin1.txt", b"Gar\xe7on".to_vec());
    let err = latin1.document_text().unwrap_err();
    assert_eq!(err, FileRefusal::NotUtf8 { name: "latin1.txt".into(), valid_up_to: 3 });
    assert_eq!(err.kind(), "not-utf8");
    assert_eq!(err.to_string(), "latin1.txt is not UTF-8 text. Save it as UTF-8 and import it again.");
    let nul = InputFile::new("dir/nul.txt", "a\0b");
    assert_eq!(nul.document_text().unwrap_err().to_string(), "nul.txt looks like binary data, not text.");
    let big = InputFile::new("big.md", vec![b'a'; MAX_DOCUMENT_BYTES + 1]);
    assert_eq!(big.document_text().unwrap_err().kind(), "too-large");
}

#[test]
fn size_limits_are_checked_by_name_before_reading() {
    assert!(FileRefusal::check_size("a.txt", MAX_DOCUMENT_BYTES as u64).is_ok());
    let err = FileRefusal::check_size("huge.txt", 20 * 1024 * 1024).unwrap_err();
    assert_eq!(err.to_string(), "huge.txt is 20.0 MB; Spanmark opens documents up to 10.0 MB. Split it into smaller files.");
    assert!(FileRefusal::check_size("corpus.json", MAX_DATA_FILE_BYTES as u64).is_ok());
    let err = FileRefusal::check_size("corpus.json", MAX_DATA_FILE_BYTES as u64 + 1).unwrap_err();
    assert!(err.to_string().contains("Spanmark opens JSON files up to 128.0 MB"), "{err}");
    assert!(FileRefusal::check_size("brat.zip", 129 * 1024 * 1024).unwrap_err().to_string().contains("such files up to 128.0 MB"));
}

#[test]
fn the_export_menu_lists_every_format_and_conll_once_per_scheme() {
    let menu: Vec<(String, String)> = ExportChoice::all().into_iter().map(|c| (c.id(), c.title())).collect();
    let ids: Vec<&str> = menu.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["canonical", "jsonl", "brat", "conll:iob2", "conll:iob1", "conll:bioes", "w3c", "label-studio"]);
    assert_eq!(menu[5].1, "CoNLL (BIOES)");
    let bioes = ExportChoice::from_id("conll:bioes").unwrap();
    assert_eq!((bioes.format, bioes.options.scheme), (Format::Conll, TagScheme::Bioes));
    assert!(ExportChoice::from_id("conll").is_none());
}
