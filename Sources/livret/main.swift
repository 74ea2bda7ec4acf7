import LivretCLI

await LivretCommand.execute()
