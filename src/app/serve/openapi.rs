//! The API's OpenAPI 3 document: `schemas/openapi.json`, committed and served as written at
//! `GET /v1/openapi.json`. Written by hand (the API is small and its words are for people);
//! the tests hold it to the routes and the error codes.

/// The document.
pub const DOCUMENT: &str = include_str!("../../../schemas/openapi.json");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::serve::error::ApiError;

    fn document() -> serde_json::Value {
        serde_json::from_str(DOCUMENT).expect("the OpenAPI document is JSON")
    }

    #[test]
    fn every_route_is_documented_and_nothing_else() {
        let document = document();
        let paths = document["paths"].as_object().expect("paths");
        let mut documented: Vec<(String, String)> = paths
            .iter()
            .flat_map(|(path, item)| {
                item.as_object().unwrap().keys().map(move |method| (method.clone(), path.clone()))
            })
            .collect();
        let mut routed: Vec<(String, String)> = super::super::routes::routes()
            .into_iter()
            .map(|(method, path, _)| (method.to_owned(), path.to_owned()))
            .collect();
        documented.sort();
        routed.sort();
        assert_eq!(documented, routed);
    }

    #[test]
    fn every_error_code_is_documented() {
        let document = document();
        let codes: Vec<&str> = document["components"]["schemas"]["Error"]["properties"]["code"]["enum"]
            .as_array()
            .expect("the error codes")
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let errors = [
            ApiError::MalformedMultipart(String::new()),
            ApiError::MalformedJson(String::new()),
            ApiError::MissingRecord,
            ApiError::DuplicatePart(String::new()),
            ApiError::TooManyParts(0),
            ApiError::IncompleteBody(String::new()),
            ApiError::InvalidParameter(String::new()),
            ApiError::NoRoot,
            ApiError::InvalidPath(String::new()),
            ApiError::Unauthorized,
            ApiError::HostNotAllowed(String::new()),
            ApiError::NotFound,
            ApiError::MethodNotAllowed,
            ApiError::RequestTimeout,
            ApiError::PayloadTooLarge(String::new()),
            ApiError::UnsupportedMediaType,
            ApiError::NextFailed(String::new()),
            ApiError::QueueFull { retry_after: 1 },
            ApiError::RenderFailed(String::new()),
            ApiError::Internal(String::new()),
            ApiError::MemoryLimit,
            ApiError::WorkerFailed(String::new()),
            ApiError::ShuttingDown,
            ApiError::RenderTimeout,
        ];
        let mut ours: Vec<&str> = errors.iter().map(ApiError::code).collect();
        ours.sort();
        let mut codes = codes.clone();
        codes.sort();
        assert_eq!(ours, codes);
    }
}
