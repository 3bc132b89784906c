/** The configuration file was named twice, differently. */
export class ConfigFileTwiceError extends Error {
  constructor(option: string, positional: string) {
    super(`the configuration file is named twice ('${positional}' and --config '${option}'): name it once`);
  }
}

/**
 * The configuration file a command was given: `--config FILE` or FILE in its place among the
 * arguments, both spellings everywhere (as `dockd run --config FILE` and `dockctl config check
 * FILE`); undefined when neither. Naming two different files is a usage error.
 */
export function configFileArg(
  option: string | undefined,
  positional: string | undefined,
): string | undefined {
  if (option !== undefined && positional !== undefined && option !== positional)
    throw new ConfigFileTwiceError(option, positional);
  return option ?? positional;
}
