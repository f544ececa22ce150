//! Syntax: the YAML reader's complaints in Chinese, each placed where the mistake is.
//!
//! Every kind of scanner and parser error of serde-saphyr (and of its parser, granit) has a
//! Chinese message and a hint. The reader often notices a mistake later than it was made: a
//! quote left open swallows the lines after it until the next quote, so the error surfaces
//! many lines below. Such errors are moved back to the opening quote; a tab is pointed at.

use serde_saphyr::Error as E;
use serde_saphyr::granit_parser::{ErrorKind as K, ScanError};

use super::spans::Position;

/// A syntax problem in words, and where it is when it is not where the reader stopped.
#[derive(Debug, PartialEq)]
pub struct Syntax {
    pub message: String,
    pub expected: String,
    /// Where the mistake is; `None`: where the reader reports it.
    pub position: Option<Position>,
}

/// The hint for a problem of YAML syntax in general.
pub const GENERAL: &str = "合法的 YAML：用空格缩进（不用 Tab），同一层的字段左对齐，冒号后加空格，引号成对";

/// The words of a reader error that has none of its own.
pub const UNPARSABLE: &str = "文件无法解析";

/// Translates a reader error that is not about the record's fields (those are the schema's).
/// Returns `None` for the errors the caller words itself.
pub fn translate(text: &str, err: &E) -> Option<Syntax> {
    let here = err
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| Position { line: l.line() as usize, column: (l.column() as usize).max(1) });
    let (message, expected) = match err {
        E::ExternalMessage { source, .. } => match &**source {
            serde_saphyr::ExternalMessageSource::Parser(scan) => return Some(scan_error(text, scan, here)),
            _ => return None,
        },
        E::Eof { .. } => ("文件在应有内容处结束".into(), GENERAL.into()),
        E::MultipleDocuments { .. } => (
            "文件中有多个 YAML 文档（以 --- 分隔）".into(),
            "一个文件只写一份记录；删去多余的 --- 及其后的内容".into(),
        ),
        E::UnknownAnchor { .. } => {
            ("引用（*）了未定义的锚点（&）".into(), "先用 &名字 定义锚点，再用 *名字 引用".into())
        }
        E::MergeValueNotMapOrSeqOfMaps { .. } => {
            ("合并键 << 的值必须是一组“字段: 值”或它们的列表".into(), GENERAL.into())
        }
        E::MergeKeyNotAllowed { .. } => ("不允许使用合并键 <<".into(), "把字段直接写出来".into()),
        E::InvalidBinaryBase64 { .. } | E::BinaryNotUtf8 { .. } => {
            ("!!binary 标签的内容无效".into(), "去掉 !!binary 标签，直接写文字".into())
        }
        E::NonFiniteFloat { value, .. } => {
            (format!("数字“{value}”无效（无穷大或非数字）"), "一个有限的数字；若是文字请加引号".into())
        }
        E::RecursiveReferencesRequireWeakTypes { .. } | E::AliasReplayStackDepthExceeded { .. } => {
            ("锚点（&）引用了它自己".into(), "不要在锚点内部引用它自己".into())
        }
        E::FoldedBlockScalarMustIndentContent { .. } => (
            "多行文字（> 或 |）的内容必须比字段多缩进".into(),
            "多行文字的每一行比字段名多缩进两个空格".into(),
        ),
        E::TaggedScalarCannotDeserializeIntoString { .. } | E::TaggedEnumMismatch { .. } => {
            ("标签（以 ! 开头）不能用在这里".into(), "去掉标签，直接写值".into())
        }
        E::ContainerEndMismatch { .. }
        | E::UnexpectedSequenceEnd { .. }
        | E::UnexpectedMappingEnd { .. }
        | E::UnexpectedContainerEndWhileReadingKeyNode { .. }
        | E::UnexpectedContainerEndWhileSkippingNode { .. } => {
            ("列表或“字段: 值”在这里意外结束".into(), GENERAL.into())
        }
        E::InvalidUtf8Input => ("文件不是 UTF-8 编码的文本".into(), "以 UTF-8 保存文件".into()),
        _ => return None,
    };
    Some(Syntax { message, expected, position: None })
}

/// A scanner or parser error in words. Mistakes the reader notices late are moved back.
fn scan_error(text: &str, scan: &ScanError, here: Option<Position>) -> Syntax {
    let (message, expected) = words(scan.kind());
    let quote_kinds = matches!(
        scan.kind(),
        K::UnclosedQuotedScalar | K::DocumentIndicatorInQuotedScalar | K::InvalidQuotedScalarIndent
    );
    let tab_kinds = matches!(
        scan.kind(),
        K::TabNotAllowed
            | K::TabInBlockIndentation
            | K::TabInIndentation
            | K::TabAtBlockScalarStart
            | K::TabInPlainScalar
    );
    let flow_kinds = matches!(
        scan.kind(),
        K::UnexpectedEofFlowSequence
            | K::UnexpectedEofFlowMapping
            | K::UnexpectedEofImplicitFlowMapping
            | K::ExpectedFlowMappingSeparator
            | K::ExpectedFlowSequenceSeparator
            | K::FlowMappingValueAdjacentCollection
            | K::InvalidColonPlacement
            | K::MappingValueNotAllowed
            | K::UnclosedFlowCollection { .. }
            | K::BlockEntryInFlowCollection
    );
    if let Some(here) = here {
        if let Some((opening, quote)) = swallowing_quote(text, here, quote_kinds) {
            return Syntax {
                message: format!(
                    "第 {} 行的引号 {quote} 没有闭合：其后的内容都被当作引号内的文字，直到第 {} 行",
                    opening.line, here.line
                ),
                expected: format!("在这段文字末尾补上 {quote}，或去掉开头的 {quote}"),
                position: Some(opening),
            };
        }
        if flow_kinds && let Some((opening, bracket)) = unclosed_bracket(text, here) {
            let close = if bracket == '[' { ']' } else { '}' };
            return Syntax {
                message: format!(
                    "第 {} 行以 {bracket} 开始的{}没有以 {close} 结束",
                    opening.line,
                    if bracket == '[' { "列表" } else { "“字段: 值”" }
                ),
                expected: format!("在这一项末尾补上 {close}，或改为逐行书写"),
                position: Some(opening),
            };
        }
        if tab_kinds {
            return Syntax { message, expected, position: tab_before(text, here).or(Some(here)) };
        }
    }
    Syntax { message, expected, position: None }
}

/// The Chinese message and hint of each kind of scanner and parser error.
fn words(kind: &K) -> (String, String) {
    let general = || GENERAL.to_owned();
    let s = |message: &str, expected: &str| (message.to_owned(), expected.to_owned());
    match kind {
        K::InputIo { .. } | K::InputDecoding { .. } => s("无法读取文件内容", "一个 UTF-8 编码的文本文件"),
        K::InputByteLimitExceeded { limit } => (format!("文件超过 {limit} 字节的上限"), "一份普通的审查记录".into()),
        K::UnexpectedEofFlowSequence => s("以 [ 开始的列表没有以 ] 结束，文件就结束了", "在列表末尾补上 ]"),
        K::UnexpectedEofFlowMapping | K::UnexpectedEofImplicitFlowMapping => {
            s("以 { 开始的“字段: 值”没有以 } 结束，文件就结束了", "在末尾补上 }")
        }
        K::UnexpectedEofBlockSequence => ("列表没有写完，文件就结束了".into(), general()),
        K::UnexpectedEofBlockMapping => ("“字段: 值”没有写完，文件就结束了".into(), general()),
        K::UnexpectedEof => ("文件意外结束".into(), general()),
        K::ExpectedStreamStart | K::ExpectedDocumentStart => {
            s("这里应是文档的开始（---）", "记录直接从“字段: 值”写起，或以一行 --- 开始")
        }
        K::DuplicateVersionDirective | K::UnsupportedYamlMajorVersion | K::YamlVersionTooLong | K::MissingYamlVersion
        | K::MissingYamlVersionSeparator => s("%YAML 版本指令写法不对", "删去以 % 开头的指令行（记录不需要它）"),
        K::DuplicateTagDirective
        | K::MissingDocumentEndBeforeDirective
        | K::InvalidDirectiveTerminator
        | K::DirectiveDisallowed
        | K::MissingDirectiveName
        | K::InvalidDirectiveName
        | K::InvalidTagDirectiveTerminator
        | K::ExpectedTagDirectiveBang => s("以 % 开头的指令行写法不对", "删去以 % 开头的指令行（记录不需要它）"),
        K::DirectiveByteLimitExceeded { .. } | K::TooManyReservedDirectiveParams { .. } => {
            s("以 % 开头的指令行过长", "删去以 % 开头的指令行（记录不需要它）")
        }
        K::AnchorCountOverflow => s("锚点（&）过多", "一份普通的审查记录"),
        K::UnknownAnchor => s("引用（*）了未定义的锚点（&）", "先用 &名字 定义锚点，再用 *名字 引用"),
        K::ExpectedNodeContent => s("这里应有一个值，但没有找到", "在冒号或“- ”之后写值；值以特殊符号开头时请加引号"),
        K::ExpectedBlockMappingKey => (
            "这里应是与同一层左对齐的“字段: 值”，但这一行的缩进或写法不对".into(),
            "与同一层的其它字段左对齐（用空格缩进），字段名后写冒号和空格；值中含有“: ”或以引号开头时给整个值加引号"
                .into(),
        ),
        K::ExpectedFlowMappingSeparator => s("花括号 { } 内各项之间应以逗号分隔，并以 } 结束", "{ 字段: 值, 字段: 值 }"),
        K::ExpectedFlowSequenceSeparator => s("方括号 [ ] 内各项之间应以逗号分隔，并以 ] 结束", "[项, 项]"),
        K::ExpectedBlockSequenceEntry => (
            "这里应是以“- ”开头的列表项，但这一行的缩进或写法不对".into(),
            "列表的各项左对齐，每项以“- ”开头".into(),
        ),
        K::UndeclaredTagHandle
        | K::ExpectedTagBang
        | K::InvalidGlobalTagCharacter
        | K::InvalidTagTerminator
        | K::MissingTagUri
        | K::UnclosedVerbatimTag
        | K::InvalidTagEscape
        | K::InvalidTagUtf8LeadingByte
        | K::InvalidTagUtf8TrailingByte
        | K::InvalidTagUtf8 => s("标签（以 ! 开头）写法不对", "去掉 ! 开头的标签；值以 ! 开头时请加引号"),
        K::MissingIncludeResolver | K::MultipleDocumentsUnsupported => {
            s("文件中有多个 YAML 文档或包含指令", "一个文件只写一份记录")
        }
        K::SimpleKeyExpected | K::InvalidSimpleKey => (
            "字段名后缺少冒号“:”（字段名须在一行之内）".into(),
            "字段名: 值（冒号后加空格）；一段文字请写在冒号之后".into(),
        ),
        K::InvalidDocumentEnd => s("文档结束标记 ... 之后有多余的内容", "删去 ... 之后的内容"),
        K::InvalidIndentation => ("缩进不对：与同一层的其它行不一致".into(), general()),
        K::BomInsideDocument => s("文件中间出现了字节顺序标记（BOM，U+FEFF）", "删去这个不可见的字符"),
        K::UnexpectedCharacter { character } => unexpected_character(*character),
        K::TabNotAllowed | K::TabInPlainScalar => ("这里不能用 Tab".into(), "改用空格；文字中需要 Tab 时请加引号".into()),
        K::TabInBlockIndentation | K::TabInIndentation | K::TabAtBlockScalarStart => {
            s("缩进中用了 Tab：YAML 只能用空格缩进", "把这一行开头的 Tab 换成空格")
        }
        K::CommentInterceptedScalar => s("多行文字中间插入了注释（#）", "把注释移到文字之外，或给文字加引号"),
        K::ExpectedWhitespace | K::InvalidBlockEntryWhitespace | K::InvalidMappingValueWhitespace => {
            s("这里缺少空格", "冒号“:”和“-”之后加一个空格")
        }
        K::CommentNotSeparated => s("注释符号 # 前应有空格", "在 # 前加空格；文字中的 # 请给整个值加引号"),
        K::MissingAnchorOrAliasName => s("锚点（&）或引用（*）缺少名字", "值以 & 或 * 开头时请加引号"),
        K::MisplacedFlowCollectionEnd => s("多余的右括号", "删去多余的 ] 或 }，或给整个值加引号"),
        K::MismatchedFlowCollectionEnd { open, close } => {
            (format!("以“{open}”开始的括号却以“{close}”结束"), "[ 与 ] 配对，{ 与 } 配对".into())
        }
        K::UnclosedFlowCollection { open } => (format!("以“{open}”开始的括号没有闭合"), "补上对应的右括号".into()),
        K::RecursionLimitExceeded => s("嵌套过深", "一份普通的审查记录"),
        K::BlockEntryInFlowCollection => s("方括号或花括号内不能写“- ”列表项", "[项, 项] 或逐行“- 项”，不要混用"),
        K::BlockSequenceEntryNotAllowed => (
            "这里不能开始“- ”列表项（上一行的字段已经有值，或缩进不对）".into(),
            "列表写在“字段:”的下一行，比字段多缩进".into(),
        ),
        K::ZeroBlockScalarIndent => s("多行文字（| 或 >）的缩进指示不能为 0", "去掉 | 或 > 之后的数字"),
        K::InvalidBlockScalarHeader => s("多行文字标记（| 或 >）之后只能是注释或换行", "文字从下一行写起，比字段多缩进"),
        K::InvalidBlockScalarIndent => s("多行文字（| 或 >）的这一行缩进不够", "多行文字的每一行缩进相同"),
        K::DocumentIndicatorInQuotedScalar | K::UnclosedQuotedScalar | K::InvalidQuotedScalarIndent => {
            s("引号没有闭合", "在文字末尾补上同样的引号")
        }
        K::InvalidTrailingSingleQuotedScalar | K::InvalidTrailingDoubleQuotedScalar => (
            "引号结束之后还有多余的内容".into(),
            "文字中含有引号时，给整个值换一种引号，或把单引号内的 ' 写成 ''".into(),
        ),
        K::UnknownQuotedScalarEscape
        | K::InvalidQuotedScalarHexEscape
        | K::InvalidLowSurrogateHexEscape
        | K::InvalidLowSurrogate
        | K::MissingLowSurrogate
        | K::UnpairedLowSurrogate
        | K::InvalidUnicodeEscape => s(
            "双引号内的反斜杠转义（\\）无效",
            "反斜杠写成 \\\\，或改用单引号",
        ),
        K::InvalidFlowScalarIndent => s("跨行文字的后续行缩进不够", "后续行比字段多缩进，或改用多行文字（|）"),
        K::PlainScalarStartsWithDashFlowIndicator | K::UnexpectedEndOfPlainScalar => {
            s("这个值的开头不合 YAML 的写法", "给整个值加引号")
        }
        K::MappingKeyNotAllowed => s("这里不能写字段（?）", "删去 ? 或给值加引号"),
        K::FlowMappingValueAdjacentCollection | K::InvalidColonPlacement => {
            s("冒号“:”的位置不对", "字段名: 值（冒号后加空格）")
        }
        K::MappingValueNotAllowed => (
            "这里不能出现“字段: 值”（值中含有“: ”，或这一行的缩进不对）".into(),
            "值中含有“: ”时给整个值加引号；字段与同一层的其它字段左对齐".into(),
        ),
        K::Custom(_) | K::InputOffsetsWithoutSlice | K::InputSlicingUnavailable => (UNPARSABLE.into(), general()),
        _ => (UNPARSABLE.into(), general()),
    }
}

/// Why a character cannot stand where it is, by what it is, and what to do.
fn unexpected_character(character: char) -> (String, String) {
    let shown = crate::base::diagnostic::escape_controls(&character.to_string()).into_owned();
    match character {
        '@' | '`' => (
            format!("“{character}”不能出现在这里（@ 和 ` 是 YAML 的保留字符，不能作为值的开头）"),
            "以这个字符开头的值请加引号".into(),
        ),
        '%' => (
            "“%”不能出现在这里（% 是 YAML 指令的符号，不能作为值的开头）".into(),
            "以 % 开头的文字请加引号；指令行（%YAML、%TAG）记录不需要，请删去".into(),
        ),
        c if c.is_control() || crate::base::diagnostic::is_bidi_control(c) => (
            format!("这里有一个不可见的控制字符 {shown}（U+{:04X}）", u32::from(c)),
            "删去这个字符（常由复制粘贴带入）；换行与缩进只用回车和空格".into(),
        ),
        _ => (format!("“{shown}”不能出现在这里"), "以这个字符开头的值请加引号".into()),
    }
}

/// When the reader stopped inside, or just after, a quoted text that began on an earlier line:
/// the position and the quote character of its opening quote. A quoted text may span lines,
/// so this is only done for errors about quotes or when the quoted text ends on the error's
/// line (a quote left open is closed by the next quote of the file).
fn swallowing_quote(text: &str, here: Position, about_quotes: bool) -> Option<(Position, char)> {
    let error_at = offset(text, here);
    let line_of = |at: usize| text[..at].matches('\n').count() + 1;
    quoted_texts(text)
        .into_iter()
        .take_while(|quoted| quoted.open < error_at)
        .filter(|quoted| {
            let open_line = line_of(quoted.open);
            match quoted.close {
                None => true,
                Some(close) => {
                    let close_line = line_of(close);
                    close_line > open_line && (close_line == here.line || (about_quotes && close >= error_at))
                }
            }
        })
        .last()
        .map(|quoted| (position(text, quoted.open), quoted.quote))
}

/// When the reader stopped after a `[` or `{` opened on an earlier line and not closed: its
/// position and the bracket. Brackets inside quoted texts and comments do not count.
fn unclosed_bracket(text: &str, here: Position) -> Option<(Position, char)> {
    let error_at = offset(text, here);
    let quoted = quoted_texts(text);
    let in_quotes =
        |at: usize| quoted.iter().any(|q| q.open <= at && q.close.is_none_or(|close| at <= close));
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut in_comment = false;
    let mut previous = '\n';
    for (at, c) in text[..error_at.min(text.len())].char_indices() {
        match c {
            '\n' => in_comment = false,
            _ if in_comment || in_quotes(at) => {}
            '#' if previous.is_whitespace() => in_comment = true,
            '[' | '{' => open.push((at, c)),
            ']' | '}' => {
                open.pop();
            }
            _ => {}
        }
        previous = c;
    }
    let &(at, bracket) = open.first()?;
    let opening = position(text, at);
    (opening.line < here.line).then_some((opening, bracket))
}

/// A quoted text: where its opening and closing quotes are (byte offsets).
#[derive(Debug, PartialEq)]
struct Quoted {
    open: usize,
    close: Option<usize>,
    quote: char,
}

/// The quoted texts of a YAML file, as its reader sees them: a quote opens a text only where a
/// value begins (at the start of a line or after `:`, `-`, `[`, `{`, `,`, `?`); comments and
/// block texts (`|`, `>`) are skipped. Stops at the first quote left open.
fn quoted_texts(text: &str) -> Vec<Quoted> {
    let mut found = Vec::new();
    // Inside a block text (`|`, `>`) written under a line of this indentation.
    let mut block_indent: Option<usize> = None;
    let mut line_start = true;
    let mut indent = 0;
    let mut previous: Option<char> = None;
    let mut i = 0;
    let line_end = |i: usize| text[i..].find('\n').map_or(text.len(), |j| i + j);
    while i < text.len() {
        if line_start {
            let line = &text[i..line_end(i)];
            let this_indent = line.len() - line.trim_start_matches(' ').len();
            if let Some(block) = block_indent {
                if line.trim().is_empty() || this_indent > block {
                    i = line_end(i) + 1;
                    continue;
                }
                block_indent = None;
            }
            (indent, previous, line_start) = (this_indent, None, false);
            i += this_indent;
            continue;
        }
        let c = text[i..].chars().next().expect("inside the text");
        let opens_value = previous.is_none_or(|p| matches!(p, ':' | '-' | '[' | '{' | ',' | '?'));
        match c {
            '\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            '#' if previous.is_none() || text[..i].ends_with([' ', '\t']) => {
                i = line_end(i);
                continue;
            }
            '"' | '\'' if opens_value => {
                let close = closing_quote(text, i, c);
                found.push(Quoted { open: i, close, quote: c });
                let Some(close) = close else { return found };
                (i, previous) = (close + 1, Some(c));
                continue;
            }
            '|' | '>' if opens_value => {
                let header = text[i + 1..line_end(i)]
                    .trim_start_matches(|c: char| c == '+' || c == '-' || c.is_ascii_digit());
                if header.trim().is_empty() || header.trim_start().starts_with('#') {
                    block_indent = Some(indent);
                    i = line_end(i);
                    continue;
                }
            }
            _ => {}
        }
        if !c.is_whitespace() {
            previous = Some(c);
        }
        i += c.len_utf8();
    }
    found
}

/// The offset of the quote that closes the text opened at `open`, if any.
fn closing_quote(text: &str, open: usize, quote: char) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = open + 1;
    while i < bytes.len() {
        match (quote, bytes[i]) {
            ('"', b'\\') => i += 2,
            ('"', b'"') => return Some(i),
            ('\'', b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 2,
            ('\'', b'\'') => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The first tab of the error's line or of the next one (the reader may stop at the end of
/// the line before), failing that of the nearest line above with a tab.
fn tab_before(text: &str, here: Position) -> Option<Position> {
    let lines: Vec<&str> = text.lines().collect();
    let at = here.line.saturating_sub(1);
    let mut order = [at, at + 1].into_iter().chain((0..at).rev()).filter(|&i| i < lines.len());
    order.find_map(|i| {
        let column = lines[i].chars().position(|c| c == '\t')?;
        Some(Position { line: i + 1, column: column + 1 })
    })
}

/// A 1-based line and column (in characters) → byte offset.
fn offset(text: &str, at: Position) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(at.line.saturating_sub(1)).map(str::len).sum();
    let line = text[line_start.min(text.len())..].lines().next().unwrap_or("");
    line_start + line.chars().take(at.column.saturating_sub(1)).map(char::len_utf8).sum::<usize>()
}

/// A byte offset → 1-based line and column (in characters).
fn position(text: &str, at: usize) -> Position {
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position { line: before.matches('\n').count() + 1, column: before[line_start..].chars().count() + 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message, hint and position of a malformed document's reader error.
    fn syntax(text: &str) -> (String, String, Position) {
        let err = serde_saphyr::from_str::<serde_json::Value>(text).expect_err("a syntax error");
        let reported =
            err.location().map(|l| Position { line: l.line() as usize, column: l.column() as usize });
        let found =
            translate(text, err.without_snippet()).unwrap_or_else(|| panic!("no translation of {err:?}"));
        (found.message, found.expected, found.position.or(reported).unwrap())
    }

    /// No English left: no word of three or more Latin letters but YAML's own.
    fn assert_chinese(message: &str) {
        let english = message
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 3 && !["YAML", "Tab", "BOM", "UTF", "binary"].contains(w))
            .collect::<Vec<_>>();
        assert!(english.is_empty(), "English in {message:?}: {english:?}");
        assert!(message.chars().any(|c| c > '\u{2e80}'), "no Chinese in {message:?}");
    }

    #[test]
    fn every_kind_of_reader_error_is_worded_in_chinese_at_its_line() {
        // (document, line of the mistake)
        let cases: &[(&str, usize)] = &[
            ("a: 1\n b: 2\n", 2),           // a key indented under a scalar
            ("a:\n  b: 1\n c: 2\n", 3),     // a key between two indentations
            ("a: [1, 2\n", 2),              // unclosed flow sequence
            ("a: {b: 1\n", 2),              // unclosed flow mapping
            ("a: [1, 2}\n", 1),             // mismatched bracket
            ("a:\n\t- 1\n", 2),             // tab indentation
            ("a: @x\n", 1),                 // reserved character
            ("a: `x\n", 1),                 // reserved character
            ("a: *missing\n", 1),           // unknown anchor
            ("a: b: c\n", 1),               // mapping value not allowed
            ("- a\nb: 1\n", 2),             // a mapping after a sequence
            ("a: 1\n- b\n", 2),             // a sequence after a mapping
            ("a: 'x' y\n", 1),              // content after a quoted text
            ("a: \"x\\q\"\n", 1),           // unknown escape
            ("a: |0\n  x\n", 1),            // zero block indentation
            ("a: !<x\n", 1),                // unclosed verbatim tag
            ("a: &\n", 1),                  // anchor without a name
            ("%YAML 2.0\n---\na: 1\n", 1),  // unsupported version
            ("a: 1\n---\nb: 2\n", 3),       // two documents: at the second
            ("a: 1 #x\nb:#c\n", 2),         // a comment without a space: plain text, then
            ("a: \"open\nb: 1\nc: 2\n", 1), // unclosed double quote
            ("a: 'open\nb: 1\n", 1),        // unclosed single quote
        ];
        for (text, line) in cases {
            let (message, expected, at) = syntax(text);
            assert_chinese(&message);
            assert_chinese(&expected);
            assert!(
                at.line == *line || at.line + 1 == *line,
                "{text:?}: {message} at {at:?}, expected line {line}"
            );
        }
    }

    #[test]
    fn every_scanner_error_kind_has_chinese_words() {
        let kinds = [
            K::UnexpectedEofFlowSequence,
            K::UnexpectedEofFlowMapping,
            K::UnexpectedEofBlockMapping,
            K::UnexpectedEof,
            K::ExpectedNodeContent,
            K::ExpectedBlockMappingKey,
            K::ExpectedFlowMappingSeparator,
            K::ExpectedFlowSequenceSeparator,
            K::ExpectedBlockSequenceEntry,
            K::SimpleKeyExpected,
            K::InvalidSimpleKey,
            K::InvalidIndentation,
            K::UnexpectedCharacter { character: '@' },
            K::TabInIndentation,
            K::CommentNotSeparated,
            K::MismatchedFlowCollectionEnd { open: '[', close: '}' },
            K::UnclosedFlowCollection { open: '{' },
            K::BlockSequenceEntryNotAllowed,
            K::InvalidBlockScalarIndent,
            K::UnclosedQuotedScalar,
            K::InvalidTrailingDoubleQuotedScalar,
            K::UnknownQuotedScalarEscape,
            K::MappingValueNotAllowed,
            K::UnknownAnchor,
            K::Custom("while parsing".into()),
        ];
        for kind in kinds {
            let (message, expected) = words(&kind);
            assert_chinese(&message);
            assert_chinese(&expected);
        }
    }

    #[test]
    fn an_unclosed_quote_is_placed_at_its_opening_quote() {
        // The quote opened on line 2 is closed by the first quote of line 5.
        let text = "a: 1\nb: \"open\nc: 2\nd: 3\ne: \"x\"\nf: 4\n";
        let (message, expected, at) = syntax(text);
        assert_eq!(at, Position { line: 2, column: 4 }, "{message}");
        assert!(message.contains("第 2 行的引号 \" 没有闭合"), "{message}");
        assert!(expected.contains("补上 \""), "{expected}");
    }

    #[test]
    fn apostrophes_and_block_texts_are_not_quotes() {
        let text = "a: it's\nb: |\n  \"quoted\" and 'x\nc: \"ok\"\nd: 'still'\n";
        let found = quoted_texts(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|q| q.close.is_some()));
    }

    #[test]
    fn an_unclosed_bracket_is_placed_at_the_bracket() {
        let text = "a: 1\nevaluators: [杨飞, 周莹\nscore: 96\nx: 1\n";
        let (message, expected, at) = syntax(text);
        assert_eq!(at, Position { line: 2, column: 13 }, "{message}");
        assert!(message.contains("第 2 行以 [ 开始的列表没有以 ] 结束"), "{message}");
        assert!(expected.contains("补上 ]"), "{expected}");
    }

    #[test]
    fn an_unexpected_character_gets_the_hint_for_that_character() {
        assert!(words(&K::UnexpectedCharacter { character: '%' }).0.contains("指令"));
        let (message, _) = words(&K::UnexpectedCharacter { character: '\u{1}' });
        assert!(message.contains("控制字符 <U+0001>"), "{message}");
        assert!(!message.contains('\u{1}'));
        assert!(words(&K::UnexpectedCharacter { character: '@' }).0.contains("保留字符"));
    }

    #[test]
    fn a_tab_is_pointed_at() {
        let text = "a:\n  b: 1\n\tc: 2\n";
        let (message, _, at) = syntax(text);
        assert_eq!(at, Position { line: 3, column: 1 }, "{message}");
    }
}
