export { default } from "../../api/index.js";
