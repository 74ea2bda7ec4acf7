import LivretCLI

await LivretCommand.main()
